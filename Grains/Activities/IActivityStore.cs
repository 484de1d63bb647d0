using Outbound.Activities;

namespace Outbound.Grains.Activities;

/// <summary>
/// Where the two activity indexes live (<see cref="ActivityTables"/> describes their rows and keys): the request index
/// that reports, reconciliation and retention scan, and the timelines. The silo keeps them in Azure Tables
/// (<see cref="Storage.TableActivityStore"/>); a test can keep them in memory. An implementation must keep the
/// ordering of the row keys (ordinal, ascending): cursors and time ranges are row keys.
/// </summary>
public interface IActivityStore
{
    /// <summary>Adds or replaces a request's row.</summary>
    Task UpsertBatchAsync(BatchRow row);

    /// <summary>Removes a request's row; a row already gone is no error (retention is idempotent).</summary>
    Task DeleteBatchAsync(Guid orgId, string rowKey);

    /// <summary>The org's request rows accepted in [<paramref name="fromRowKey"/>, <paramref name="toRowKey"/>), oldest first.</summary>
    IAsyncEnumerable<BatchRow> QueryBatchesAsync(
        Guid orgId, string fromRowKey, string toRowKey, Guid? configurationId = null, bool unsettledOnly = false, Guid? campaignId = null);

    /// <summary>Adds (or replaces) a request's entries: a few writes per request, never one per contact.</summary>
    Task UpsertTimelineAsync(IEnumerable<TimelineRow> rows);

    /// <summary>Adds one entry, its write shared with other writers' entries of its partition where the store can (a customer's message, say).</summary>
    Task UpsertTimelineRowAsync(TimelineRow row);

    /// <summary>Removes the entries; those already gone are passed over.</summary>
    Task DeleteTimelineAsync(IEnumerable<TimelineRow> rows);

    /// <summary>
    /// Up to <paramref name="take"/> shown entries of one timeline after <paramref name="afterRowKey"/>, newest
    /// first (row keys hold the inverted time). Hidden rows are passed over, so a page still fills.
    /// </summary>
    Task<List<TimelineRow>> QueryTimelineAsync(Guid orgId, TimelineKind kind, string key, string? afterRowKey, int take);

    /// <summary>
    /// Up to <paramref name="take"/> rows of a customer's timeline for messages accepted in [<paramref name="from"/>,
    /// <paramref name="until"/>), newest first, after <paramref name="afterRowKey"/>. Hidden rows (messages of
    /// configurations not shown, stored by older versions) are included: a search wants them.
    /// </summary>
    Task<List<TimelineRow>> QueryContactRangeAsync(Guid orgId, string number, DateTimeOffset from, DateTimeOffset until, string? afterRowKey, int take);

    /// <summary>The last configuration message sent to the customer on the channel (<see cref="ActivityTables.LastOutbound"/>), if any is recorded.</summary>
    Task<TimelineRow?> GetLastOutboundAsync(Guid orgId, string customer, Guid channelId);

    /// <summary>Removes the last-outbound rows that still name a message of <paramref name="batchId"/>; a newer message's row stays.</summary>
    Task DeleteLastOutboundAsync(IEnumerable<TimelineRow> rows, Guid batchId);
}
