using Outbound.Catalog;

namespace Outbound.Routing;

/// <summary>
/// A queue of conversations, keyed by <see cref="RoutingKeys.Queue"/>. Every assignment decision for its
/// conversations is made here, one at a time, so no conversation is assigned twice; each agent's own grain
/// guards their capacity, since an agent may serve several queues.
/// </summary>
public interface IQueueGrain : IGrainWithStringKey
{
    /// <summary>
    /// A conversation arrives (new, requeued or transferred here). It is assigned at once to an available agent with
    /// free capacity, or waits first in, first out. Answers once the queue has stored it.
    /// </summary>
    Task EnqueueAsync(QueueTicket ticket);

    /// <summary>The assigned agent answered: the conversation is no longer at risk of reassignment for being unanswered.</summary>
    Task AnsweredAsync(Guid conversationId);

    /// <summary>
    /// The conversation left the queue (closed, or transferred elsewhere): its agent's slot is free again, or it
    /// stops waiting. Safe to call from the conversation's own turn (the queue reads it only through GetAsync).
    /// </summary>
    Task ReleaseAsync(Guid conversationId);

    /// <summary>
    /// Assigns the conversation to <paramref name="agentId"/> directly (a transfer to a named agent), if the agent
    /// serves this queue, is available and has free capacity. False otherwise. The caller is the conversation
    /// itself: it records its new agent (the queue does not call back into it), and releases its previous one.
    /// </summary>
    Task<bool> AssignToAsync(QueueTicket ticket, Guid agentId);

    /// <summary>Creates the queue: its channels must exist in the org and belong to no other queue.</summary>
    Task<SaveResult<QueueSettings>> CreateAsync(QueueSettings settings);

    /// <summary>Replaces the queue's settings (same rules as a create); <see cref="SaveStatus.NotFound"/> if it does not exist.</summary>
    Task<SaveResult<QueueSettings>> ReplaceAsync(QueueSettings settings);

    /// <summary>The queue, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<QueueView?> GetViewAsync();

    /// <summary>Deletes the queue, refused while conversations wait in it.</summary>
    Task<QueueDeleteResult> DeleteAsync();

    /// <summary>An agent of the queue joined, left, or changed presence, capacity or load.</summary>
    Task AgentChangedAsync(AgentReport report);

    /// <summary>
    /// Takes the conversation back from <paramref name="fromAgentId"/> and puts it back in line by its original
    /// <see cref="QueueTicket.WaitingSince"/> (so before later arrivals). <paramref name="reassign"/>: it is not
    /// offered to that agent again.
    /// </summary>
    Task RequeueAsync(QueueTicket ticket, Guid fromAgentId, string reason, bool reassign);
}

/// <summary>A conversation as its queue knows it.</summary>
/// <param name="WaitingSince">When it started waiting: the first in is the first out.</param>
[GenerateSerializer, Immutable, Alias("Outbound.QueueTicket")]
public sealed record QueueTicket(
    [property: Id(0)] Guid ConversationId,
    [property: Id(1)] string Customer,
    [property: Id(2)] Guid ChannelId,
    [property: Id(3)] DateTimeOffset WaitingSince);

/// <summary>How a queue picks among its available agents with free capacity.</summary>
public enum RoutingStrategy
{
    /// <summary>Each agent in turn.</summary>
    RoundRobin = 0,

    /// <summary>The agent with the fewest current conversations; on a tie, the one idle the longest.</summary>
    LeastActive = 1,
}

/// <summary>A queue as an admin configures it.</summary>
/// <param name="UnansweredReassignSeconds">A conversation its agent has not answered after this long goes to another agent; 0 means never.</param>
[GenerateSerializer, Immutable, Alias("Outbound.QueueSettings")]
public sealed record QueueSettings(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<Guid> ChannelIds,
    [property: Id(2)] RoutingStrategy Strategy,
    [property: Id(3)] int UnansweredReassignSeconds)
{
    public const int MaxChannels = 50;
    public const int MinReassignSeconds = 10;
    public const int MaxReassignSeconds = 86_400;
}

/// <summary>A queue with its bookkeeping and its current load.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.QueueView")]
public sealed record QueueView(
    [property: Id(0)] StoredItem<QueueSettings> Stored,
    [property: Id(1)] int Waiting,
    [property: Id(2)] int Agents);

public enum QueueDeleteStatus
{
    Deleted = 0,
    NotFound = 1,

    /// <summary>Conversations wait in the queue: assign or close them (or move the queue's channels) first.</summary>
    NotEmpty = 2,
}

[GenerateSerializer, Immutable, Alias("Outbound.QueueDeleteResult")]
public sealed record QueueDeleteResult(
    [property: Id(0)] QueueDeleteStatus Status,
    [property: Id(1)] int Waiting);

/// <summary>What a queue knows of one of its agents, sent by the agent whenever it changes.</summary>
/// <param name="Member">False: the agent left the queue (or was deleted).</param>
/// <param name="Active">The conversations the agent holds, from every queue.</param>
/// <param name="IdleSince">When the agent last took a conversation (or was created).</param>
[GenerateSerializer, Immutable, Alias("Outbound.AgentReport")]
public sealed record AgentReport(
    [property: Id(0)] Guid AgentId,
    [property: Id(1)] bool Member,
    [property: Id(2)] AgentPresence Presence,
    [property: Id(3)] int Capacity,
    [property: Id(4)] int Active,
    [property: Id(5)] DateTimeOffset IdleSince);
