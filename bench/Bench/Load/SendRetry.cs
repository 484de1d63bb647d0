namespace Outbound.Bench.Load;

/// <summary>
/// When a send request is repeated, with the same body and <c>Idempotency-Key</c>. The bench repeats only a 503 that
/// says when (admission control); the chaos runner repeats as an integrator facing an outage would: any 5xx, a
/// timeout or a broken connection, until the request is answered or <see cref="GiveUpAfter"/> has passed.
/// </summary>
/// <param name="OnFailures">Also repeat 5xx without Retry-After, timeouts and connection errors.</param>
/// <param name="GiveUpAfter">From the first attempt; past it the last answer (or none) stands.</param>
/// <param name="AttemptTimeout">One attempt's limit; null: the HTTP client's own.</param>
/// <param name="Pause">The wait before repeating a failure that named no Retry-After.</param>
public sealed record SendRetry(bool OnFailures, TimeSpan GiveUpAfter, TimeSpan? AttemptTimeout, TimeSpan Pause)
{
    public static readonly SendRetry BusyOnly = new(false, Timeout.InfiniteTimeSpan, null, TimeSpan.FromSeconds(1));
}
