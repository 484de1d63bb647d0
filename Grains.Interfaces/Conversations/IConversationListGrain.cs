namespace Outbound.Conversations;

/// <summary>
/// Lists an org's conversations for admins, newest first, from the conversation index. A stateless worker keyed
/// by the org id, so a list never reaches another org's conversations.
/// </summary>
public interface IConversationListGrain : IGrainWithGuidKey
{
    /// <param name="status">Only conversations in this status; null: all.</param>
    /// <param name="cursor">From the previous page; null for the first.</param>
    Task<ConversationPage> ListAsync(ConversationStatus? status, string? cursor, int pageSize);
}

/// <summary>A conversation in a list, without its transcript.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.ConversationSummary")]
public sealed record ConversationSummary(
    [property: Id(0)] Guid ConversationId,
    [property: Id(1)] string Customer,
    [property: Id(2)] Guid ChannelId,
    [property: Id(3)] ConversationStatus Status,
    [property: Id(4)] Guid? QueueId,
    [property: Id(5)] Guid? AgentId,
    [property: Id(6)] DateTimeOffset OpenedAt,
    [property: Id(7)] DateTimeOffset LastMessageAt);

/// <param name="NextCursor">Null on the last page.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ConversationPage")]
public sealed record ConversationPage(
    [property: Id(0)] ImmutableArray<ConversationSummary> Items,
    [property: Id(1)] string? NextCursor);
