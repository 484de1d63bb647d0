using Outbound.Sending;

namespace Outbound.Activities;

/// <summary>
/// Reads an org's activity records: the customer timeline and the outbound reports. A stateless worker keyed by
/// the org id, so every query is confined to that org's partitions and batches.
/// </summary>
public interface IActivityQueryGrain : IGrainWithGuidKey
{
    /// <summary>One page of a contact's or a regarding entity's timeline, newest first.</summary>
    Task<TimelinePage> GetTimelineAsync(TimelineQuery query);

    /// <summary>Message counts per status per interval, bucketed by acceptance time.</summary>
    Task<OutboundReport> GetReportAsync(ReportQuery query);

    /// <summary>
    /// One page of per-recipient results, oldest request first: at most <paramref name="limit"/> messages, from a
    /// bounded number of requests. Pass the returned cursor back for the next page (null when there is none).
    /// </summary>
    Task<RecipientsPage> GetRecipientsAsync(ReportQuery query, string? cursor, int limit);

    /// <summary>
    /// One page of the org's messages accepted in the search's window, newest first, filtered by number, status
    /// and configuration. A page costs a bounded number of index reads and batch grain calls, whatever the org's size.
    /// </summary>
    Task<MessageSearchPage> SearchMessagesAsync(MessageSearch search);

    /// <summary>
    /// The newest outbound message sent to <paramref name="to"/> through <paramref name="channelId"/> at or after
    /// <paramref name="since"/>, whatever its configuration's timeline setting: what a customer's reply answers.
    /// </summary>
    Task<Outbound.Conversations.LinkedOutbound?> FindLastOutboundAsync(string to, Guid channelId, DateTimeOffset since);
}

/// <summary>Which timeline: a customer's address, or an entity the messages were regarding.</summary>
public enum TimelineKind
{
    Contact = 0,
    Regarding = 1,
}

/// <param name="Key">The E.164 number, or the <c>entityrelationshipname</c>.</param>
/// <param name="Cursor">From the previous page; null for the first.</param>
[GenerateSerializer, Immutable, Alias("Outbound.TimelineQuery")]
public sealed record TimelineQuery(
    [property: Id(0)] TimelineKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] int PageSize,
    [property: Id(3)] string? Cursor);

/// <param name="Items">Newest first.</param>
/// <param name="NextCursor">Null on the last page.</param>
[GenerateSerializer, Immutable, Alias("Outbound.TimelinePage")]
public sealed record TimelinePage(
    [property: Id(0)] ImmutableArray<MessageView> Items,
    [property: Id(1)] string? NextCursor);

/// <summary>Report intervals, in UTC.</summary>
public enum ReportInterval
{
    Hour = 0,
    Day = 1,
}

/// <param name="ConfigurationId">Null: every configuration of the org.</param>
/// <param name="From">Inclusive, by the time the request was accepted.</param>
/// <param name="To">Exclusive.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ReportQuery")]
public sealed record ReportQuery(
    [property: Id(0)] Guid? ConfigurationId,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] ReportInterval Interval)
{
    /// <summary>Only the messages of this campaign's requests; null: every request.</summary>
    [Id(4)] public Guid? CampaignId { get; init; }
}

/// <param name="Start">The interval's first instant (UTC).</param>
[GenerateSerializer, Immutable, Alias("Outbound.ReportBucket")]
public sealed record ReportBucket(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] StatusCounts Counts);

/// <param name="Buckets">Only intervals with messages, in time order.</param>
[GenerateSerializer, Immutable, Alias("Outbound.OutboundReport")]
public sealed record OutboundReport(
    [property: Id(0)] ImmutableArray<ReportBucket> Buckets,
    [property: Id(1)] StatusCounts Totals);

[GenerateSerializer, Immutable, Alias("Outbound.RecipientsPage")]
public sealed record RecipientsPage(
    [property: Id(0)] ImmutableArray<MessageView> Messages,
    [property: Id(1)] string? NextCursor);

/// <summary>Where a recipients page stopped: a request's index row key, and the first of its messages not yet listed.</summary>
public static class RecipientsCursor
{
    private const char Separator = '#';

    /// <param name="nextIndex">Null: every message of the request was listed.</param>
    public static string Format(string rowKey, int? nextIndex) =>
        nextIndex is { } index ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rowKey}{Separator}{index}") : rowKey;

    /// <summary>The request's row key and its first message not yet listed; (null, null) for the first page.</summary>
    public static (string? RowKey, int? NextIndex) Parse(string? cursor)
    {
        if (cursor is null)
        {
            return (null, null);
        }

        var at = cursor.LastIndexOf(Separator);
        return at >= 0 && int.TryParse(cursor.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? (cursor[..at], index)
            : (cursor, null);
    }
}
