using Outbound.Bench.Measure;

namespace Outbound.Bench.Conversations;

/// <summary>What the <c>conversations</c> and <c>agents</c> scenarios measured, beside the send path's phases.</summary>
/// <param name="Agents">Agents in all orgs, each with <paramref name="Capacity"/> slots and one queue (their org's).</param>
/// <param name="Streams">Agents whose event stream the bench held open (the sample the assigned latency comes from).</param>
/// <param name="SetupSeconds">Creating the orgs, channels, queues, agents (presence available) and agent keys through the API.</param>
public sealed record ConversationsResult(
    int Orgs, int Agents, int Capacity, int Streams, double SetupSeconds, IReadOnlyList<InboundPhaseResult> Phases);

/// <summary>
/// One inbound load phase: signed Twilio webhooks, each from a new customer (a new conversation), over the steady
/// window (after the warm-up, until the load stops).
/// </summary>
/// <param name="Webhooks">Webhooks sent in the whole phase (warm-up included).</param>
/// <param name="Answered">Webhooks answered 200 in the whole phase.</param>
/// <param name="AnsweredPerSecond">Webhooks answered 200 in the steady window, per second.</param>
/// <param name="WebhookLatencyMs">Webhook POST until its answer; in the open loop from its scheduled start.</param>
/// <param name="AssignedLatencyMs">Webhook sent (open loop: scheduled) until the <c>assigned</c> event of its customer on an agent's stream, for the streams held open.</param>
/// <param name="Statuses">Answers other than 200, by HTTP status (0: no answer).</param>
public sealed record InboundPhaseResult(
    string Name,
    string Load,
    double SteadySeconds,
    long Webhooks,
    long Answered,
    double AnsweredPerSecond,
    Percentiles WebhookLatencyMs,
    Percentiles AssignedLatencyMs,
    IReadOnlyDictionary<string, long> Statuses,
    AssignmentCheck Check)
{
    public IReadOnlyDictionary<string, double> CpuMsPerThousand { get; init; } = new Dictionary<string, double>();

    /// <summary>Only in the <c>agents</c> scenario: from the first webhook until every conversation was assigned.</summary>
    public double? FillSeconds { get; init; }
}

/// <summary>
/// Every conversation of the stack so far, once assignment settled: what the API says (agents' active conversations,
/// queues' waiting ones) and what the open event streams showed.
/// </summary>
/// <param name="Answered">Webhooks answered 200 on this stack, all phases so far: each opened one conversation.</param>
/// <param name="Unanswered">Webhooks without a 200 (an error or no answer): their conversation may or may not exist.</param>
/// <param name="Assigned">The sum of the agents' <c>activeConversations</c>.</param>
/// <param name="Waiting">The sum of the queues' <c>waiting</c>.</param>
/// <param name="AgentsOverCapacity">Agents whose <c>activeConversations</c> exceed their capacity.</param>
/// <param name="AssignedEvents">Assigned events seen on the open streams.</param>
/// <param name="AssignedTwice">Conversations with more than one assigned event on the open streams.</param>
/// <param name="CustomersWithTwoConversations">Customers (one webhook each) whose assigned events name two conversations.</param>
/// <param name="SettleSeconds">From the end of the load until assigned + waiting stopped changing (at most the drain timeout).</param>
public sealed record AssignmentCheck(
    long Answered,
    long Unanswered,
    long Assigned,
    long Waiting,
    long AgentsOverCapacity,
    long AssignedEvents,
    long AssignedTwice,
    long CustomersWithTwoConversations,
    double SettleSeconds)
{
    /// <summary>Every answered webhook ended as exactly one assigned conversation, and no agent is over capacity.</summary>
    public bool Clean => AgentsOverCapacity == 0 && AssignedTwice == 0 && CustomersWithTwoConversations == 0
        && Waiting == 0 && Assigned >= Answered && Assigned <= Answered + Unanswered;
}
