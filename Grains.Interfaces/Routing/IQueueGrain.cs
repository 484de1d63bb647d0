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

    /// <summary>The conversation left the queue (closed, or transferred elsewhere): its agent's slot is free again.</summary>
    Task ReleaseAsync(Guid conversationId);

    /// <summary>
    /// Assigns the conversation to <paramref name="agentId"/> directly (a transfer to a named agent), if the agent
    /// serves this queue, is available and has free capacity. False otherwise.
    /// </summary>
    Task<bool> AssignToAsync(QueueTicket ticket, Guid agentId);
}

/// <summary>A conversation as its queue knows it.</summary>
/// <param name="WaitingSince">When it started waiting: the first in is the first out.</param>
[GenerateSerializer, Immutable, Alias("Outbound.QueueTicket")]
public sealed record QueueTicket(
    [property: Id(0)] Guid ConversationId,
    [property: Id(1)] string Customer,
    [property: Id(2)] Guid ChannelId,
    [property: Id(3)] DateTimeOffset WaitingSince);
