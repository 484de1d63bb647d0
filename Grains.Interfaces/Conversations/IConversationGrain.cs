using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Sending;

namespace Outbound.Conversations;

/// <summary>
/// One conversation with a customer on one channel, keyed by <see cref="ConversationKeys.Conversation"/>. It holds
/// the transcript and who is answering it; the customer's <c>ContactGrain</c> decides when one opens, the channel's
/// queue decides who gets it, and agent replies leave through the send path like every other message.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a customer message. <paramref name="opening"/> is given by the contact that opens the conversation (the
    /// first message); a new conversation then goes to its channel's queue. Answers once the message is stored.
    /// </summary>
    Task<ReceiveResult> ReceiveAsync(InboundMessage message, ConversationOpening? opening);

    /// <summary>The conversation, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<ConversationView?> GetAsync();

    /// <summary>Transcript entries as the customer's timeline shows them (the ones that exist).</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<MessageView>> GetTimelineEntriesAsync(ImmutableArray<int> sequences);

    /// <summary>Sends an agent's (or an admin's) reply through the send path and adds it to the transcript.</summary>
    Task<ReplyResult> ReplyAsync(AgentReply reply);

    /// <summary>Moves the conversation to another agent or queue.</summary>
    Task<ConversationChange> TransferAsync(ConversationActor by, TransferTarget target);

    /// <summary>Closes the conversation: the customer's next message opens a new one.</summary>
    Task<ConversationChange> CloseAsync(ConversationActor by);

    /// <summary>
    /// The queue assigned the conversation to <see cref="Assignment.AgentId"/>. False if the conversation is closed
    /// or no longer belongs to that queue: the queue then gives the agent's slot back. An assigned conversation moves
    /// to the new agent (a transfer or a reassignment decided by the queue). Interleaves: the queue may call it while
    /// the conversation waits on the queue.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> AssignAsync(Assignment assignment);

    /// <summary>
    /// The queue took the conversation back from <paramref name="agentId"/> (offline past the grace period,
    /// unanswered past the queue's limit): it waits again. False if it was not assigned to that agent. Interleaves,
    /// as <see cref="AssignAsync"/> does.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> UnassignAsync(Guid agentId, string reason);
}

public enum ReceiveResult
{
    Stored = 0,

    /// <summary>The provider message id is already in the transcript.</summary>
    Duplicate = 1,

    /// <summary>The conversation is closed: the contact opens a new one.</summary>
    Closed = 2,
}

/// <summary>What the contact knows when it opens a conversation.</summary>
/// <param name="Customer">The customer's number, E.164.</param>
/// <param name="Answers">The outbound message the customer is answering: the last one sent to them on this channel within 7 days; null if none.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ConversationOpening")]
public sealed record ConversationOpening(
    [property: Id(0)] string Customer,
    [property: Id(1)] Guid ChannelId,
    [property: Id(2)] ChannelType ChannelType,
    [property: Id(3)] LinkedOutbound? Answers);

/// <summary>The outbound message a conversation answers: which notification or case the customer is replying to.</summary>
/// <param name="RegardingEntity">Its <c>entityrelationshipname</c>.</param>
[GenerateSerializer, Immutable, Alias("Outbound.LinkedOutbound")]
public sealed record LinkedOutbound(
    [property: Id(0)] string MessageId,
    [property: Id(1)] Guid ConfigurationId,
    [property: Id(2)] string? RegardingEntity,
    [property: Id(3)] DateTimeOffset SentAt,
    [property: Id(4)] string? Body,
    [property: Id(5)] string? ContentSid);

public enum ConversationStatus
{
    /// <summary>In its queue, waiting for an agent.</summary>
    Waiting = 0,

    /// <summary>An agent has it.</summary>
    Assigned = 1,

    Closed = 2,
}

/// <summary>Who acts on a conversation: an agent (by their agent key) or an admin (null agent).</summary>
[GenerateSerializer, Immutable, Alias("Outbound.ConversationActor")]
public sealed record ConversationActor([property: Id(0)] Guid? AgentId)
{
    public static readonly ConversationActor Admin = new((Guid?)null);
}

/// <summary>A reply: <see cref="Text"/>, or a WhatsApp template (<see cref="ContentSid"/> with <see cref="ContentVariables"/>).</summary>
/// <param name="IdempotencyKey">A repeat with the same key sends nothing more and answers the first reply's message.</param>
[GenerateSerializer, Immutable, Alias("Outbound.AgentReply")]
public sealed record AgentReply(
    [property: Id(0)] ConversationActor By,
    [property: Id(1)] string? Text,
    [property: Id(2)] string? ContentSid,
    [property: Id(3)] ImmutableDictionary<string, string>? ContentVariables,
    [property: Id(4)] string? IdempotencyKey);

public enum ReplyOutcome
{
    Sent = 0,
    NotFound = 1,

    /// <summary>The conversation is assigned to another agent (or to none, for an agent).</summary>
    NotYours = 2,
    Closed = 3,

    /// <summary>WhatsApp: the customer's last message is more than 24 hours old; only a template may be sent.</summary>
    OutsideWindow = 4,

    /// <summary>The customer opted out: nothing may be sent to them.</summary>
    OptedOut = 5,

    /// <summary>The send path refused it (quota, a disabled org, busy, storage): <see cref="ReplyResult.Receipt"/> says why.</summary>
    Refused = 6,

    /// <summary>The reply's content is not valid (<see cref="ReplyResult.Reason"/> names the field).</summary>
    Invalid = 7,
}

/// <param name="MessageId">With <see cref="ReplyOutcome.Sent"/>: the outbound message carrying the reply.</param>
/// <param name="Receipt">With <see cref="ReplyOutcome.Refused"/>: the send path's answer.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ReplyResult")]
public sealed record ReplyResult(
    [property: Id(0)] ReplyOutcome Outcome,
    [property: Id(1)] string? MessageId = null,
    [property: Id(2)] SendReceipt? Receipt = null,
    [property: Id(3)] string? Reason = null);

/// <summary>Where a transfer goes: an agent, or a queue (exactly one).</summary>
[GenerateSerializer, Immutable, Alias("Outbound.TransferTarget")]
public sealed record TransferTarget(
    [property: Id(0)] Guid? AgentId,
    [property: Id(1)] Guid? QueueId);

public enum ChangeOutcome
{
    Done = 0,
    NotFound = 1,
    NotYours = 2,
    Closed = 3,

    /// <summary>The target agent or queue does not exist, or the agent cannot take it (offline, at capacity).</summary>
    TargetUnavailable = 4,
}

[GenerateSerializer, Immutable, Alias("Outbound.ConversationChange")]
public sealed record ConversationChange(
    [property: Id(0)] ChangeOutcome Outcome,
    [property: Id(1)] string? Reason = null);

/// <summary>A queue's decision: this agent takes the conversation.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.Assignment")]
public sealed record Assignment(
    [property: Id(0)] Guid QueueId,
    [property: Id(1)] Guid AgentId,
    [property: Id(2)] DateTimeOffset AssignedAt);

/// <summary>A conversation as agents and admins see it.</summary>
/// <param name="LastInboundAt">The customer's last message: the WhatsApp 24-hour window runs from it.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ConversationView")]
public sealed record ConversationView(
    [property: Id(0)] Guid ConversationId,
    [property: Id(1)] string Customer,
    [property: Id(2)] Guid ChannelId,
    [property: Id(3)] ChannelType ChannelType,
    [property: Id(4)] ConversationStatus Status,
    [property: Id(5)] Guid? QueueId,
    [property: Id(6)] Guid? AgentId,
    [property: Id(7)] LinkedOutbound? Answers,
    [property: Id(8)] DateTimeOffset OpenedAt,
    [property: Id(9)] DateTimeOffset? LastInboundAt,
    [property: Id(10)] DateTimeOffset? ClosedAt,
    [property: Id(11)] ImmutableArray<TranscriptEntry> Transcript,
    [property: Id(12)] string? ProfileName);

public enum TranscriptEntryKind
{
    /// <summary>The customer wrote.</summary>
    Inbound = 0,

    /// <summary>An agent (or an admin) replied.</summary>
    Agent = 1,

    /// <summary>Something happened: assigned, transferred, requeued, closed.</summary>
    Event = 2,
}

/// <param name="Sequence">Its position in the transcript, from 0.</param>
/// <param name="MessageId">Agent: the outbound message carrying the reply (its status is the message's).</param>
/// <param name="ProviderMessageId">Inbound: the provider's id.</param>
/// <param name="AgentId">Agent: who replied (null for an admin); Event: the agent it concerns.</param>
[GenerateSerializer, Immutable, Alias("Outbound.TranscriptEntry")]
public sealed record TranscriptEntry(
    [property: Id(0)] int Sequence,
    [property: Id(1)] TranscriptEntryKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string? Text,
    [property: Id(4)] string? ContentSid,
    [property: Id(5)] ImmutableDictionary<string, string>? ContentVariables,
    [property: Id(6)] string? MessageId,
    [property: Id(7)] string? ProviderMessageId,
    [property: Id(8)] Guid? AgentId);
