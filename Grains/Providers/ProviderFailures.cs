using System.Net;
using System.Net.Http;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Outbound.Providers;

namespace Outbound.Grains.Providers;

/// <summary>How transport failures are read, shared by both providers and their resilience pipelines.</summary>
internal static class ProviderFailures
{
    /// <summary>
    /// Whether a failure happened before the request could reach the provider: it could not connect (refused,
    /// DNS, TLS) or the circuit breaker refused to try. Only then is a non-idempotent request certainly unsent.
    /// </summary>
    public static bool NeverSent(Exception exception) => exception switch
    {
        BrokenCircuitException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } => true,
        _ => exception.InnerException is { } inner && NeverSent(inner),
    };

    /// <summary>
    /// The outcome of a send the circuit breaker refused: not attempted, the provider is down. The breaker says
    /// when it will let a trial request through; before that, asking again is pointless.
    /// </summary>
    public static SendOutcome? CircuitOpen(Exception exception) => exception switch
    {
        BrokenCircuitException broken => SendOutcome.Deferred(SendOutcome.ChannelDownCode, "The provider is failing; its circuit breaker is open, so nothing was sent.", broken.RetryAfter),
        { InnerException: { } inner } => CircuitOpen(inner),
        _ => null,
    };

    /// <summary>A short reason code for a transport failure, stored as <c>ErrorCode</c>.</summary>
    public static string Code(Exception exception) => exception switch
    {
        BrokenCircuitException => SendOutcome.ChannelDownCode,
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "timeout",
        HttpRequestException http => $"transport-{http.HttpRequestError}",
        _ => exception.InnerException is { } inner ? Code(inner) : "transport",
    };

    /// <summary>
    /// What a circuit breaker counts as the provider being down (and what ACS retries): 5xx, 408, timeouts and
    /// transport errors. 429 is not among them: throttling is per account or per number, so it must neither
    /// open a breaker shared by all tenants nor be retried at once; the caller waits for Retry-After instead.
    /// </summary>
    public static bool IsOutage(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    /// <summary>The wait a <c>Retry-After</c> header asks for (seconds or an HTTP date), never negative.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
