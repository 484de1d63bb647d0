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
}

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
