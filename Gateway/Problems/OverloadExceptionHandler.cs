using Outbound.Hosting;
using Microsoft.AspNetCore.Diagnostics;

namespace Outbound.Gateway.Problems;

/// <summary>
/// A cluster call that timed out (the silos are overloaded, or one just died) or that storage failed becomes a 503
/// with Retry-After instead of a bare 500: the client learns to back off, and that a send may or may not have been
/// accepted, which repeating it with the same Idempotency-Key settles without sending twice.
/// </summary>
public sealed class OverloadExceptionHandler(IProblemDetailsService problems, ILogger<OverloadExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageFaults.IsTransient(exception))
        {
            return false;
        }

        // What made a client wait and repeat is worth a line: the type says whether storage or the cluster was at fault.
        logger.LogWarning("Answered {Path} with 503: {ExceptionType}: {Message}", http.Request.Path, exception.GetType().Name, exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = Problem.BusyTitle,
                Detail = "The request did not complete in time and may or may not have taken effect. Retry after the Retry-After delay; "
                    + "a send repeated with the same Idempotency-Key is accepted at most once.",
            },
        });
    }
}
