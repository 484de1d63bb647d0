namespace Outbound.Grains.Sending;

/// <summary>
/// When to try a message again: exponential backoff with full jitter, never sooner than the provider asked. There
/// is no limit on attempts: a message is retried until its org's delivery deadline.
/// </summary>
public static class RetryPolicy
{    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, unless the provider asks for longer.</summary>
    public static readonly TimeSpan DefaultCap = TimeSpan.FromMinutes(5);

    /// <param name="attempts">Attempts made so far (1 after the first).</param>
    /// <param name="retryAfter">The provider's Retry-After, when it gave one.</param>
    /// <param name="cap">The longest wait (<see cref="DefaultCap"/> unless configured).</param>
    public static TimeSpan Delay(int attempts, TimeSpan? retryAfter, Random random, TimeSpan? cap = null)
    {
        var ceiling = Math.Min((cap ?? DefaultCap).TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        var jittered = TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
