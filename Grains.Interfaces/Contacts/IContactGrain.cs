namespace Outbound.Contacts;

/// <summary>
/// One customer address of one org, keyed by <see cref="ContactKeys.Contact"/>: it owns the customer's consent.
/// Changes are written through to the org's suppression list, which send requests check without reading every
/// contact's state from storage.
/// </summary>
public interface IContactGrain : IGrainWithStringKey
{
    /// <summary>Records that the customer opted out (for example a provider's 21610: they replied STOP).</summary>
    Task OptOutAsync(string source);

    /// <summary>Records that the customer opted in again.</summary>
    Task OptInAsync(string source);

    [AlwaysInterleave]
    Task<ConsentRecord> GetConsentAsync();

    /// <summary>
    /// A message from this customer: an opt-out, opt-in or help keyword changes consent or answers with the org's
    /// text; anything else goes to the customer's open conversation on that channel, or opens one linked to the
    /// last outbound message sent to them there. Answers once the message is stored; a repeated provider message id
    /// changes nothing.
    /// </summary>
    Task<Outbound.Conversations.InboundReceipt> ReceiveAsync(Outbound.Conversations.InboundMessage message);

    /// <summary>The customer's open conversation on <paramref name="channelId"/>, if any.</summary>
    [AlwaysInterleave]
    Task<Guid?> GetOpenConversationAsync(Guid channelId);

    /// <summary>The conversation on <paramref name="channelId"/> closed: the customer's next message there opens a new one.</summary>
    /// <remarks>
    /// One-way: the contact may be waiting on that conversation (a message arriving as it closes), so a closing
    /// conversation must not wait on the contact. A lost notice costs nothing: the closed conversation answers the
    /// next message with <see cref="Outbound.Conversations.ReceiveResult.Closed"/> and the contact opens a new one.
    /// </remarks>
    [OneWay]
    Task ConversationClosedAsync(Guid channelId, Guid conversationId);
}

/// <param name="Source">Who changed it last: <c>provider:21610</c>, <c>api</c>, …; null if never changed.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ConsentRecord")]
public sealed record ConsentRecord(
    [property: Id(0)] string To,
    [property: Id(1)] bool OptedOut,
    [property: Id(2)] string? Source,
    [property: Id(3)] DateTimeOffset? ChangedAt);

/// <summary>
/// A slice of one org's opted-out numbers, kept in memory so a 100-contact request costs a few grain calls
/// instead of 100 storage reads. Keyed by <see cref="ContactKeys.SuppressionPartition(Guid, string)"/>.
/// </summary>
public interface ISuppressionListGrain : IGrainWithStringKey
{
    Task SetAsync(string to, bool optedOut);

    /// <summary>Which of <paramref name="numbers"/> are opted out.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<string>> OptedOutAsync(ImmutableArray<string> numbers);
}

public static class ContactKeys
{
    /// <summary>How many suppression-list grains an org's numbers are spread over.</summary>
    public const int SuppressionPartitions = 16;

    public static string Contact(Guid orgId, string e164) => $"{orgId:D}/{e164}";

    public static string SuppressionPartition(Guid orgId, string e164) => SuppressionPartition(orgId, PartitionOf(e164));

    public static string SuppressionPartition(Guid orgId, int partition) => $"{orgId:D}/{partition}";

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomized per process).</summary>
    public static int PartitionOf(string e164)
    {
        var hash = 2166136261u;
        foreach (var c in e164)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % SuppressionPartitions);
    }
}
