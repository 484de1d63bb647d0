using Outbound.Chaos;
using Outbound.Chaos.Measure;
using Xunit.Abstractions;

namespace Outbound.Tests.Reliability;

/// <summary>One run of the chaos runner on a stack of its own, its log in the test's output.</summary>
internal static class ChaosRun
{
    /// <summary>
    /// Runs <paramref name="options"/> until the runner's own timeouts end it or <paramref name="deadline"/> passes
    /// (which only guarantees the test cannot hang). The processes' logs are in <c>Logs</c>: delete them once the
    /// verdict passed, keep them for a failure's message.
    /// </summary>
    public static async Task<(ChaosResult Result, string Logs)> RunAsync(ChaosOptions options, ITestOutputHelper output, TimeSpan deadline)
    {
        TestEnvironment.RequireIntegrationLayer("starts silo, gateway and Azurite processes");
        var logs = Directory.CreateTempSubdirectory("chaos-test-").FullName;
        var log = new StringWriter();
        using var cancel = new CancellationTokenSource(deadline);
        try
        {
            return (await new ChaosRunner(options with { Logs = logs }, TextWriter.Synchronized(log)).RunAsync(cancel.Token), logs);
        }
        finally
        {
            output.WriteLine(log.ToString());
        }
    }
}
