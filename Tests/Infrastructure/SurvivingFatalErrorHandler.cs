using Microsoft.Extensions.Logging;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// A silo's fatal error in an in-process test system fails that system's tests, not the whole test run: Orleans'
/// own handler ends the process (right for a pod, which is then restarted), and every other fixture with it.
/// </summary>
internal sealed class SurvivingFatalErrorHandler(ILogger<SurvivingFatalErrorHandler> logger) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) =>
        logger.LogError(exception, "Fatal error in an in-process silo (the test host goes on): {Context}", context);
}
