namespace Outbound.Grains.Sending;

/// <summary>
/// When to try a message again: exponential backoff with full jitter, never sooner than the provider asked. There
/// is no limit on attempts: a message is retried until its org's delivery deadline.
/// </summary>
public static class RetryPolicy
{    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    /// <param name="attempts">Attempts made so far (1 after the first).</param>
    /// <param name="retryAfter">The provider's Retry-After, when it gave one.</param>
    public static TimeSpan Delay(int attempts, TimeSpan? retryAfter, Random random)
    {
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        var jittered = TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
