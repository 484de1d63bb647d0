using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Outbound.Grains.Telemetry;

namespace Outbound.Grains.Sending;

/// <summary>
/// Admission control: the messages accepted on this silo whose first provider attempt is not over yet. Past its
/// share of the limit (<see cref="LimitKey"/>) an org's send request is refused (503 + Retry-After, nothing stored)
/// instead of accepted into a queue that grows without bound: acceptance then keeps pace with delivery, the time
/// from acceptance to the provider stays in seconds and the send request's latency in milliseconds at any offered
/// load. Messages waiting out a retry back-off do not count: a provider outage must not stop other
/// channels' sends.
/// </summary>
/// <remarks>
/// An org's share is the limit divided by the orgs with messages waiting (itself included), so a tenant alone
/// may use all of it, and one tenant's burst cannot keep another out: a newcomer is admitted at once, and the
/// bursting tenant waits until it is back under its share. The total can pass the limit by at most one request
/// per org.
/// </remarks>
public sealed class DeliveryBacklog
{
    public const string LimitKey = "SEND_BACKLOG_LIMIT";

    /// <summary>About a second of delivery on a 2-core silo (≈ 6,000 messages/s in the benchmark); 50 full requests keep every provider connection busy.</summary>
    public const int DefaultLimit = 5_000;

    private readonly int _limit;

    // One counter per org ever seen on this silo (a few bytes each, never removed), and how many are above zero.
    private readonly ConcurrentDictionary<Guid, StrongBox<long>> _byOrg = new();
    private long _waiting;
    private int _orgsWaiting;

    public DeliveryBacklog(int limit, OutboundMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        _limit = limit;
        metrics?.ObserveBacklog(() => Waiting);
    }

    public long Waiting => Volatile.Read(ref _waiting);

    /// <summary>True when a new request of <paramref name="orgId"/> must wait: the org holds its share of the backlog or more.</summary>
    public bool IsFull(Guid orgId)
    {
        var own = _byOrg.TryGetValue(orgId, out var count) ? Volatile.Read(ref count.Value) : 0;
        var orgs = Math.Max(1, Volatile.Read(ref _orgsWaiting) + (own > 0 ? 0 : 1));
        return own >= Math.Max(1, _limit / orgs);
    }

    public void Add(Guid orgId, int messages) => Change(orgId, messages);

    public void Remove(Guid orgId, int messages) => Change(orgId, -messages);

    private void Change(Guid orgId, int delta)
    {
        if (delta == 0)
        {
            return;
        }

        var count = _byOrg.GetOrAdd(orgId, static _ => new StrongBox<long>());
        var now = Interlocked.Add(ref count.Value, delta);
        var before = now - delta;
        // Each change sees its exact predecessor, so crossings of zero count the orgs waiting exactly.
        if (before <= 0 && now > 0)
        {
            Interlocked.Increment(ref _orgsWaiting);
        }
        else if (before > 0 && now <= 0)
        {
            Interlocked.Decrement(ref _orgsWaiting);
        }

        Interlocked.Add(ref _waiting, delta);
    }
}
