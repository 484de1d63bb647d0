using System.Globalization;
using Outbound.Sending;

namespace Outbound.Activities;

/// <summary>What a message search asks for: every filter is optional but the time window.</summary>
/// <param name="Number">
/// Only messages to this E.164 number: read from the customer's timeline index, so only the messages that index
/// holds (configurations that show in the timeline, and direct messages) are found.
/// </param>
/// <param name="Status">Only messages whose current status is this one.</param>
/// <param name="ConfigurationId">Only messages of this outbound configuration.</param>
/// <param name="From">Inclusive, by acceptance time.</param>
/// <param name="Until">Exclusive, by acceptance time.</param>
/// <param name="Cursor">From the previous page (<see cref="MessageSearchCursor"/>); null for the first.</param>
[GenerateSerializer, Immutable, Alias("Outbound.MessageSearch")]
public sealed record MessageSearch(
    [property: Id(0)] string? Number,
    [property: Id(1)] MessageStatus? Status,
    [property: Id(2)] Guid? ConfigurationId,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] DateTimeOffset Until,
    [property: Id(5)] int PageSize,
    [property: Id(6)] string? Cursor);

/// <param name="Items">Newest first.</param>
/// <param name="NextCursor">
/// Null when the window holds nothing more. A page reads a bounded part of the index, so it may hold fewer than
/// the page size (even none) while a next cursor is still given.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.MessageSearchPage")]
public sealed record MessageSearchPage(
    [property: Id(0)] ImmutableArray<MessageView> Items,
    [property: Id(1)] string? NextCursor);

/// <summary>
/// Where a message search page stopped. By number: the last timeline row key read (<c>n:</c>). Otherwise the
/// request index (<c>b:</c>): a request's row key (or a bare time bound) that the next page reads below, with the
/// first of that request's messages still to list when the page ended inside it.
/// </summary>
public static class MessageSearchCursor
{
    private const string NumberPrefix = "n:";
    private const string BatchPrefix = "b:";
    private const int TicksLength = 19;

    public static string ForNumber(string timelineRowKey) => NumberPrefix + timelineRowKey;

    public static string ForBatches(string rowKey, int? nextIndex) => BatchPrefix + RecipientsCursor.Format(rowKey, nextIndex);

    /// <summary>The timeline row key a number search resumes after; false if the cursor is not one.</summary>
    public static bool TryParseNumber(string cursor, out string rowKey)
    {
        rowKey = cursor.StartsWith(NumberPrefix, StringComparison.Ordinal) ? cursor[NumberPrefix.Length..] : "";
        return rowKey.Length > 0 && !rowKey.Contains('\'', StringComparison.Ordinal);
    }

    /// <summary>
    /// The request index position a search resumes below: its time (ticks), its row key, the batch (when the row key
    /// names one) and the message to resume at; false if the cursor is not one this API wrote.
    /// </summary>
    public static bool TryParseBatches(string cursor, out long ticks, out string rowKey, out Guid? batchId, out int? nextIndex)
    {
        ticks = 0;
        batchId = null;
        (var key, nextIndex) = cursor.StartsWith(BatchPrefix, StringComparison.Ordinal) ? RecipientsCursor.Parse(cursor[BatchPrefix.Length..]) : (null, null);
        rowKey = key ?? "";
        if (rowKey.Length < TicksLength
            || !long.TryParse(rowKey.AsSpan(0, TicksLength), NumberStyles.None, CultureInfo.InvariantCulture, out ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        if (rowKey.Length == TicksLength)
        {
            // A bare time bound: the page stopped between requests.
            return nextIndex is null;
        }

        if (rowKey[TicksLength] != '-' || !Guid.TryParseExact(rowKey.AsSpan(TicksLength + 1), "N", out var id))
        {
            return false;
        }

        batchId = id;
        return nextIndex is null or >= 0;
    }
}
