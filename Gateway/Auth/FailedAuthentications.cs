using System.Threading.RateLimiting;
using Microsoft.Extensions.Caching.Memory;

namespace Outbound.Gateway.Auth;

/// <summary>
/// Failed API-key authentications per client address, in windows of a minute. A client past the limit is
/// refused (429) until its window ends, before its key is looked at: guessing keys costs the cluster nothing.
/// </summary>
internal sealed class FailedAuthentications(int limitPerMinute) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // One fixed window per address; the limiter drops the windows of addresses gone idle.
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions { PermitLimit = limitPerMinute, Window = Window }));

    /// <summary>Whether <paramref name="client"/> is refused, and if so for how long.</summary>
    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        // Asking for no permit tells whether any is left without taking one.
        using var lease = _failures.AttemptAcquire(client, permitCount: 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
        return !lease.IsAcquired;
    }

    public void Record(string client) => _failures.AttemptAcquire(client).Dispose();

    public void Dispose() => _failures.Dispose();
}

/// <summary>
/// Hashes of keys the cluster said are not valid (revoked, or never stored): presented again, they are refused
/// without asking. A key never becomes valid again; the cache's size bound is the only reason to forget one.
/// </summary>
internal sealed class RefusedKeys : IDisposable
{
    private readonly MemoryCache _hashes = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public bool Contains(string hash) => _hashes.TryGetValue(hash, out _);

    public void Add(string hash) => _hashes.Set(hash, true, new MemoryCacheEntryOptions { Size = 1 });

    public void Dispose() => _hashes.Dispose();
}
