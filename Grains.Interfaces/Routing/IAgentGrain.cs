using Outbound.Catalog;
using Outbound.Conversations;

namespace Outbound.Routing;

/// <summary>
/// One agent of an org, keyed by <see cref="RoutingKeys.Agent"/>: their profile, presence, the conversations they
/// hold (never more than their capacity), and the live event stream their screen follows.
/// </summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Sends <paramref name="agentEvent"/> to the agent's live event stream (and keeps it for a reconnect).</summary>
    [AlwaysInterleave]
    Task PublishAsync(AgentEvent agentEvent);

    /// <summary>Creates the agent: their queues must exist. The agent starts <see cref="AgentPresence.Offline"/>.</summary>
    Task<SaveResult<AgentSettings>> CreateAsync(AgentSettings settings);

    /// <summary>Replaces the agent's settings; <see cref="SaveStatus.NotFound"/> if they do not exist.</summary>
    Task<SaveResult<AgentSettings>> ReplaceAsync(AgentSettings settings);

    /// <summary>The agent with their presence and load, or null if they do not exist.</summary>
    [AlwaysInterleave]
    Task<AgentView?> GetViewAsync();

    /// <summary>Deletes the agent: their conversations go back to their queues. False if they do not exist.</summary>
    Task<bool> DeleteAsync();

    /// <summary>Sets the agent's presence; null if the agent does not exist.</summary>
    Task<AgentView?> SetPresenceAsync(AgentPresence presence);

    /// <summary>
    /// A queue offers the agent a conversation: taken only if the agent exists, is available, serves the queue and
    /// has a free slot. The answer carries the agent's state either way, for the queue's next decisions.
    /// </summary>
    Task<SlotAnswer> TakeAsync(SlotOffer offer);

    /// <summary>The conversation left the agent (closed, transferred, requeued, or its assignment failed): the slot is free again.</summary>
    Task ReleaseAsync(Guid conversationId);

    /// <summary>The agent answered the conversation: it is no longer reassigned for being unanswered.</summary>
    Task AnsweredAsync(Guid conversationId);

    /// <summary>The conversations the agent holds now, oldest assignment first.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<AgentConversation>> GetConversationsAsync();

    /// <summary>A queue the agent serves was deleted.</summary>
    Task QueueDeletedAsync(Guid queueId);

    /// <summary>
    /// Subscribes <paramref name="observer"/> to the live events (again, before <see cref="AgentEventFeed.ObserverLifetime"/>
    /// runs out) and answers the kept events after <paramref name="afterSequence"/> (none with null: a new stream starts now).
    /// Null when the agent already has <see cref="AgentEventFeed.MaxStreams"/> other streams open.
    /// </summary>
    [AlwaysInterleave]
    Task<ImmutableArray<SequencedAgentEvent>?> SubscribeAsync(IAgentObserver observer, long? afterSequence);

    [AlwaysInterleave]
    Task UnsubscribeAsync(IAgentObserver observer);
}

/// <summary>A gateway's connection that streams an agent's live events to their screen.</summary>
public interface IAgentObserver : IGrainObserver
{
    [OneWay]
    Task OnEventAsync(SequencedAgentEvent agentEvent);
}

/// <summary>How long the live event stream keeps things.</summary>
public static class AgentEventFeed
{
    /// <summary>Events an agent keeps in memory for a reconnect (<c>Last-Event-ID</c>).</summary>
    public const int KeptEvents = 100;

    /// <summary>Streams one agent may have open at once (a few screens); a leaked key cannot pile up subscribers.</summary>
    public const int MaxStreams = 10;

    /// <summary>A subscriber not renewed within this time is dropped.</summary>
    public static readonly TimeSpan ObserverLifetime = TimeSpan.FromMinutes(2);
}

/// <summary>An agent's presence. Only <see cref="Available"/> agents take new conversations.</summary>
public enum AgentPresence
{
    /// <summary>Takes new conversations.</summary>
    Available = 0,

    /// <summary>Keeps their conversations, takes no new ones.</summary>
    Busy = 1,

    /// <summary>Keeps their conversations, takes no new ones.</summary>
    Away = 2,

    /// <summary>Takes no new conversations; after a grace period their conversations go back to their queues.</summary>
    Offline = 3,
}

/// <summary>An agent as an admin configures them.</summary>
/// <param name="Capacity">The most conversations they hold at once (1–100).</param>
[GenerateSerializer, Immutable, Alias("Outbound.AgentSettings")]
public sealed record AgentSettings(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<Guid> QueueIds,
    [property: Id(2)] int Capacity)
{
    public const int MaxCapacity = 100;
    public const int MaxQueues = 20;
}

/// <summary>An agent with their bookkeeping, presence and load.</summary>
/// <param name="Active">The conversations they hold now.</param>
[GenerateSerializer, Immutable, Alias("Outbound.AgentView")]
public sealed record AgentView(
    [property: Id(0)] StoredItem<AgentSettings> Stored,
    [property: Id(1)] AgentPresence Presence,
    [property: Id(2)] DateTimeOffset PresenceSince,
    [property: Id(3)] int Active);

/// <summary>A queue's offer of a conversation to an agent.</summary>
/// <param name="UnansweredReassignSeconds">The queue's limit: unanswered after this long, the conversation goes back to it (0: never).</param>
[GenerateSerializer, Immutable, Alias("Outbound.SlotOffer")]
public sealed record SlotOffer(
    [property: Id(0)] Guid QueueId,
    [property: Id(1)] QueueTicket Ticket,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int UnansweredReassignSeconds);

[GenerateSerializer, Immutable, Alias("Outbound.SlotAnswer")]
public sealed record SlotAnswer(
    [property: Id(0)] bool Taken,
    [property: Id(1)] AgentReport Report);

/// <summary>A conversation an agent holds.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.AgentConversation")]
public sealed record AgentConversation(
    [property: Id(0)] Guid ConversationId,
    [property: Id(1)] string Customer,
    [property: Id(2)] Guid ChannelId,
    [property: Id(3)] Guid QueueId,
    [property: Id(4)] DateTimeOffset AssignedAt,
    [property: Id(5)] DateTimeOffset WaitingSince,
    [property: Id(6)] bool Answered,
    [property: Id(7)] int UnansweredReassignSeconds);

/// <summary>An <see cref="AgentEvent"/> with its place in the agent's stream (the SSE <c>id</c>).</summary>
[GenerateSerializer, Immutable, Alias("Outbound.SequencedAgentEvent")]
public sealed record SequencedAgentEvent(
    [property: Id(0)] long Sequence,
    [property: Id(1)] AgentEvent Event);

public enum AgentEventType
{
    /// <summary>A conversation was assigned to the agent.</summary>
    Assigned = 0,

    /// <summary>A new message in one of the agent's conversations.</summary>
    Message = 1,

    /// <summary>One of the agent's conversations went to another agent or queue.</summary>
    Transferred = 2,

    /// <summary>One of the agent's conversations was closed.</summary>
    Closed = 3,
}

/// <summary>What an agent's screen hears about.</summary>
/// <param name="Entry">With <see cref="AgentEventType.Message"/>: the new transcript entry.</param>
/// <param name="Answers">With <see cref="AgentEventType.Assigned"/>: the outbound message the conversation answers.</param>
[GenerateSerializer, Immutable, Alias("Outbound.AgentEvent")]
public sealed record AgentEvent(
    [property: Id(0)] AgentEventType Type,
    [property: Id(1)] Guid ConversationId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Customer,
    [property: Id(4)] TranscriptEntry? Entry = null,
    [property: Id(5)] LinkedOutbound? Answers = null);
