using Outbound.Events;
using Outbound.Sending;

namespace Outbound.Grains.Events;

/// <summary>
/// One segment of an event log's recent events, oldest first: the repeats it recognises and the tracking it can show.
/// (A log stored before it had segments is this one row, read as its first segment.)
/// </summary>
[GenerateSerializer, Alias("Outbound.EventLogState")]
public sealed class EventLogState
{
    [Id(0)] public List<EventRecord> Events { get; set; } = [];

    /// <summary>How many times the ring of segments had turned when this one became the head: the highest is the head.</summary>
    [Id(1)] public long Generation { get; set; }

    /// <summary>New events this segment took since it became the head.</summary>
    [Id(2)] public int Appended { get; set; }
}

[GenerateSerializer, Alias("Outbound.EventRecord")]
public sealed class EventRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Source { get; set; } = "";
    [Id(2)] public string Type { get; set; } = "";
    [Id(3)] public DateTimeOffset? Time { get; set; }
    [Id(4)] public DateTimeOffset ReceivedAt { get; set; }
    [Id(5)] public List<TriggerOutcome> Triggers { get; set; } = [];

    public bool Settled => Triggers.TrueForAll(t => t.Status != EventTriggerStatus.Pending);
}

/// <summary>What one trigger did with the event. While pending, it holds the contact to send to (dropped once settled).</summary>
[GenerateSerializer, Alias("Outbound.TriggerOutcome")]
public sealed class TriggerOutcome
{
    [Id(0)] public Guid TriggerId { get; set; }
    [Id(1)] public Guid ConfigurationId { get; set; }
    [Id(2)] public EventTriggerStatus Status { get; set; }
    [Id(3)] public SendContact? Contact { get; set; }
    [Id(4)] public DateTimeOffset? NotBefore { get; set; }
    [Id(5)] public string? MessageId { get; set; }
    [Id(6)] public string? Reason { get; set; }
}
