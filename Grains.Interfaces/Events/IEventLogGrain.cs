using System.Security.Cryptography;
using System.Text;
using Outbound.Sending;

namespace Outbound.Events;

/// <summary>
/// One of an org's <see cref="EventKeys.Partitions"/> event logs, keyed by <see cref="EventKeys.Log"/>: the events
/// whose id hashes to it. It stores each request's events in one write before answering, drops repeats (same source
/// and id), runs the org's triggers on them and hands the messages to send to the configurations' batchers,
/// remembering what each trigger did.
/// </summary>
public interface IEventLogGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the events that are new and answers, for each event in order, whether it was new (false: a repeat of an
    /// event already taken, which changes nothing). Answers only once every event is stored.
    /// </summary>
    Task<AppendResult> AppendAsync(ImmutableArray<IncomingEvent> events);

    /// <summary>The events with this id (one per source that sent it), with what each trigger did; empty if none is kept.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<EventView>> GetAsync(string eventId);

    /// <summary>What the send path did with messages this log handed over; answers once stored.</summary>
    Task RecordOutcomesAsync(ImmutableArray<DispatchOutcome> outcomes);
}

/// <summary>
/// Collects the messages of triggered events for one outbound configuration, keyed by <see cref="EventKeys.Batcher"/>,
/// and sends them in requests of up to the org's contact limit, within a short window.
/// </summary>
public interface IEventBatcherGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes messages to send. They wait in memory until their batch is formed and stored: the log that handed them
    /// over keeps them until their outcome is recorded and hands them over again after a crash. A message already
    /// taken (same <see cref="EventSend.Key"/>), waiting or in a batch, is not taken again.
    /// </summary>
    Task AddAsync(ImmutableArray<EventSend> sends);
}

/// <summary>The answer to <see cref="IEventLogGrain.AppendAsync"/>.</summary>
/// <param name="Busy">The log holds as many waiting messages as it may: nothing was stored; repeat shortly.</param>
/// <param name="New">Per event, in order: taken (true) or a repeat (false). Empty when busy.</param>
[GenerateSerializer, Immutable, Alias("Outbound.AppendResult")]
public sealed record AppendResult(
    [property: Id(0)] bool Busy,
    [property: Id(1)] ImmutableArray<bool> New);

/// <summary>A CloudEvent as the gateway took it.</summary>
/// <param name="Data">The event's <c>data</c> as JSON text; null if it had none.</param>
[GenerateSerializer, Immutable, Alias("Outbound.IncomingEvent")]
public sealed record IncomingEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Source,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset? Time,
    [property: Id(4)] string? Data);

/// <summary>What a trigger did, or is doing, with an event.</summary>
/// <remarks>Stored as a number: never renumber a member.</remarks>
public enum EventTriggerStatus
{
    /// <summary>The trigger's filter did not match the event's data.</summary>
    Skipped = 0,

    /// <summary>The message waits: for the trigger's delay, or for the batch that will carry it.</summary>
    Pending = 1,

    /// <summary>The send path accepted the message (see its message id).</summary>
    Sent = 2,

    SkippedNoOptIn = 3,
    SkippedOptedOut = 4,

    /// <summary>No message could be made or sent (see the reason).</summary>
    Invalid = 5,
}

/// <summary>One message a trigger sends for one event.</summary>
/// <param name="Key">Names the event and trigger: a message is sent once per key.</param>
[GenerateSerializer, Immutable, Alias("Outbound.EventSend")]
public sealed record EventSend(
    [property: Id(0)] string Key,
    [property: Id(1)] int Partition,
    [property: Id(2)] string Source,
    [property: Id(3)] string EventId,
    [property: Id(4)] Guid TriggerId,
    [property: Id(5)] SendContact Contact);

/// <summary>What became of one <see cref="EventSend"/>.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.DispatchOutcome")]
public sealed record DispatchOutcome(
    [property: Id(0)] string Source,
    [property: Id(1)] string EventId,
    [property: Id(2)] Guid TriggerId,
    [property: Id(3)] EventTriggerStatus Status,
    [property: Id(4)] string? MessageId,
    [property: Id(5)] string? Reason);

/// <summary>An event as its log keeps it.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.EventView")]
public sealed record EventView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Source,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset? Time,
    [property: Id(4)] DateTimeOffset ReceivedAt,
    [property: Id(5)] ImmutableArray<TriggerOutcomeView> Triggers);

/// <param name="NotBefore">A pending message waits for its trigger's delay until then.</param>
[GenerateSerializer, Immutable, Alias("Outbound.TriggerOutcomeView")]
public sealed record TriggerOutcomeView(
    [property: Id(0)] Guid TriggerId,
    [property: Id(1)] Guid ConfigurationId,
    [property: Id(2)] EventTriggerStatus Status,
    [property: Id(3)] string? MessageId,
    [property: Id(4)] string? Reason,
    [property: Id(5)] DateTimeOffset? NotBefore);

/// <summary>Keys of the event grains, and which log an event id belongs to.</summary>
public static class EventKeys
{
    /// <summary>Event logs per org. Fixed: an id must always hash to the log that has seen it.</summary>
    public const int Partitions = 16;

    public static string Log(Guid orgId, int partition) => $"{orgId:D}/{partition}";

    public static string Batcher(Guid orgId, Guid configurationId) => $"{orgId:D}/{configurationId:D}";

    /// <summary>The log of an event id: a stable hash, the same in every process and version.</summary>
    public static int PartitionOf(string eventId) =>
        (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(eventId))) % Partitions);

    public static (Guid OrgId, int Partition) ParseLog(string key)
    {
        var slash = key.IndexOf('/');
        return (Guid.Parse(key.AsSpan(0, slash)), int.Parse(key.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
