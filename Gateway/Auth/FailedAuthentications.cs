using System.Collections.Concurrent;

namespace Outbound.Gateway.Auth;

/// <summary>
/// Failed API-key authentications per client address, in windows of a minute. A client past the limit is
/// refused (429) until its window ends, before its key is looked at: guessing keys costs the cluster nothing.
/// </summary>
internal sealed class FailedAuthentications(int limitPerMinute, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Beyond this many tracked clients, ended windows are dropped, so many addresses cannot grow the table for long.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Counter> _clients = new();
    private long _lastSweepTicks;

    /// <summary>Whether <paramref name="client"/> is refused, and if so for how long.</summary>
    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var now = time.GetUtcNow();
        if (!_clients.TryGetValue(client, out var counter) || now - counter.Start >= Window || Volatile.Read(ref counter.Count) < limitPerMinute)
        {
            return false;
        }

        retryAfter = counter.Start + Window - now;
        return true;
    }

    public void Record(string client)
    {
        var now = time.GetUtcNow();
        var counter = _clients.AddOrUpdate(client, _ => new Counter(now), (_, c) => now - c.Start >= Window ? new Counter(now) : c);
        Interlocked.Increment(ref counter.Count);
        if (_clients.Count > SweepAbove && now.UtcTicks - Interlocked.Read(ref _lastSweepTicks) > Window.Ticks)
        {
            Interlocked.Exchange(ref _lastSweepTicks, now.UtcTicks);
            foreach (var (key, c) in _clients)
            {
                if (now - c.Start >= Window)
                {
                    _clients.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Counter(DateTimeOffset start)
    {
        public readonly DateTimeOffset Start = start;
        public int Count;
    }
}

/// <summary>
/// Hashes of keys the cluster said are not valid (revoked, or never stored): presented again, they are refused
/// without asking. A key never becomes valid again, so the only reason to forget one is to bound the memory.
/// </summary>
internal sealed class RefusedKeys
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, byte> _hashes = new(StringComparer.Ordinal);

    public bool Contains(string hash) => _hashes.ContainsKey(hash);

    public void Add(string hash)
    {
        if (_hashes.Count >= Capacity)
        {
            _hashes.Clear();
        }

        _hashes.TryAdd(hash, 0);
    }
}
