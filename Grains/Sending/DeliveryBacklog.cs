using System.Diagnostics.Metrics;

namespace Outbound.Grains.Sending;

/// <summary>
/// Admission control: the messages accepted on this silo whose first provider attempt is not over yet. At the
/// limit (<see cref="LimitKey"/>) a send request is refused (503 + Retry-After, nothing stored) instead of accepted into a
/// queue that grows without bound: acceptance then keeps pace with delivery, the time from acceptance to the
/// provider stays in seconds and the send request's latency in milliseconds at any offered load (issue #6).
/// Messages waiting out a retry back-off do not count: a provider outage must not stop other channels' sends.
/// </summary>
public sealed class DeliveryBacklog
{
    public const string LimitKey = "SEND_BACKLOG_LIMIT";

    /// <summary>About two seconds of delivery on a 2-core silo (≈ 2,500 messages/s); 50 full requests keep every provider connection busy.</summary>
    public const int DefaultLimit = 5_000;

    private readonly int _limit;
    private long _waiting;

    public DeliveryBacklog(int limit, IMeterFactory? meters = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        _limit = limit;
        meters?.Create("Outbound.Sending").CreateObservableGauge(
            "outbound.delivery.backlog", () => Waiting, "{message}", "Accepted messages on this silo whose first provider attempt is not over.");
    }

    public long Waiting => Volatile.Read(ref _waiting);

    /// <summary>True when a new request must wait: its messages would join a backlog at or past the limit.</summary>
    public bool IsFull => Waiting >= _limit;

    public void Add(int messages) => Interlocked.Add(ref _waiting, messages);

    public void Remove(int messages) => Interlocked.Add(ref _waiting, -messages);
}
