using Outbound.Activities;
using Outbound.Sending;

namespace Outbound.Grains.Activities;

/// <summary>
/// Message search. Without a number it walks the request index backwards in time windows (Azure Tables only reads
/// forward), skips settled requests whose counts hold no message in the status asked for, and asks the rest for
/// their messages. With a number it reads the customer's timeline index, which is newest first already. Either way a
/// page stops at a bounded number of index queries and batch grain calls, so a page never costs the whole org.
/// </summary>
public sealed partial class ActivityQueryGrain
{
    /// <summary>Index queries one search page makes at most.</summary>
    public const int MaxIndexQueriesPerSearchPage = 32;

    /// <summary>Timeline rows a number search page reads at most.</summary>
    public const int MaxTimelineRowsPerSearchPage = 1_000;

    // Request rows one window may hold: past it the window is narrowed (its newest rows are the ones wanted).
    private const int MaxRowsPerWindow = 500;
    private static readonly TimeSpan FirstWindow = TimeSpan.FromHours(1);
    private static readonly TimeSpan LongestWindow = TimeSpan.FromDays(31);

    public Task<MessageSearchPage> SearchMessagesAsync(MessageSearch search)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(search.PageSize, 1);
        return search.Number is { } number ? SearchNumberAsync(search, number) : SearchBatchesAsync(search);
    }

    private static bool Matches(MessageSearch search, MessageView view) =>
        view.Direction == MessageDirection.Outbound
        && (search.Status is not { } status || view.Status == status)
        && (search.ConfigurationId is not { } configuration || view.ConfigurationId == configuration);

    private async Task<MessageSearchPage> SearchNumberAsync(MessageSearch search, string number)
    {
        string? after = null;
        if (search.Cursor is { } cursor && !MessageSearchCursor.TryParseNumber(cursor, out after))
        {
            throw new ArgumentException("Not a number search's cursor.", nameof(search));
        }

        var items = new List<MessageView>(search.PageSize);
        var read = 0;
        var chunk = Math.Clamp(search.PageSize * 2, 10, 100);
        for (var queries = 0; queries < MaxIndexQueriesPerSearchPage && read < MaxTimelineRowsPerSearchPage; queries++)
        {
            var rows = await activities.QueryContactRangeAsync(OrgId, number, search.From, search.Until, after, chunk);
            if (rows.Count == 0)
            {
                return new MessageSearchPage([.. items], null);
            }

            read += rows.Count;
            // Conversation entries (the customer's own messages) are not outbound messages: passed over.
            var views = await ViewsAsync(rows.Select(r => r.MessageId).Where(id => MessageIds.TryParse(id, out _, out _)));
            foreach (var row in rows)
            {
                after = row.RowKey;
                if (views.GetValueOrDefault(row.MessageId) is { } view && Matches(search, view))
                {
                    items.Add(view);
                    if (items.Count == search.PageSize)
                    {
                        return new MessageSearchPage([.. items], MessageSearchCursor.ForNumber(after));
                    }
                }
            }

            if (rows.Count < chunk)
            {
                return new MessageSearchPage([.. items], null);
            }
        }

        return new MessageSearchPage([.. items], after is null ? null : MessageSearchCursor.ForNumber(after));
    }

    private async Task<MessageSearchPage> SearchBatchesAsync(MessageSearch search)
    {
        var items = new List<MessageView>(search.PageSize);
        var lowestTicks = search.From.UtcTicks;
        var upperTicks = search.Until.UtcTicks;
        var upperKey = ActivityTables.BatchRowKeyBound(search.Until);
        var calls = 0;

        if (search.Cursor is { } cursor)
        {
            if (!MessageSearchCursor.TryParseBatches(cursor, out var ticks, out var rowKey, out var batchId, out var nextIndex))
            {
                throw new ArgumentException("Not a message search's cursor.", nameof(search));
            }

            upperTicks = Math.Min(upperTicks, ticks);
            upperKey = string.CompareOrdinal(rowKey, upperKey) < 0 ? rowKey : upperKey;
            if (batchId is { } resumed && nextIndex is { } index)
            {
                // The previous page ended inside this request: its remaining messages come first.
                calls++;
                var rest = await Batch(resumed).GetMessagesAsync([]);
                if (Take(search, rowKey, rest, index, items) is { } full)
                {
                    return full;
                }
            }
        }

        var span = FirstWindow;
        for (var queries = 0; queries < MaxIndexQueriesPerSearchPage; queries++)
        {
            if (upperTicks <= lowestTicks)
            {
                return new MessageSearchPage([.. items], null);
            }

            var windowTicks = Math.Max(lowestTicks, upperTicks - span.Ticks);
            var lowerKey = ActivityTables.BatchRowKeyBound(new DateTimeOffset(windowTicks, TimeSpan.Zero));
            var rows = new List<BatchRow>();
            await foreach (var row in activities.QueryBatchesAsync(OrgId, lowerKey, upperKey, search.ConfigurationId))
            {
                rows.Add(row);
                if (rows.Count > MaxRowsPerWindow)
                {
                    break;
                }
            }

            if (rows.Count > MaxRowsPerWindow && span.Ticks > 1)
            {
                // Too busy a window to reverse whole: a narrower one ending at the same time.
                span = TimeSpan.FromTicks(Math.Max(1, span.Ticks / 8));
                continue;
            }

            rows.Reverse();
            var wanted = rows.Where(r => !(search.Status is { } status && r.Settled && r.ToCounts().InStatus(status) == 0)).ToList();
            var done = 0;
            var readBelow = upperKey;
            while (done < wanted.Count)
            {
                if (calls >= MaxRequestsPerPage)
                {
                    // Enough grain calls for one page: the next one starts below the last request read.
                    return new MessageSearchPage([.. items], MessageSearchCursor.ForBatches(readBelow, null));
                }

                // Only as many requests at once as could still fill the page: each has at least one message.
                var group = wanted.Skip(done).Take(Math.Clamp(search.PageSize - items.Count, 1, Math.Min(RequestsPerCall, MaxRequestsPerPage - calls))).ToList();
                var views = await Task.WhenAll(group.Select(r => Batch(r.BatchId).GetMessagesAsync([])));
                calls += group.Count;
                for (var g = 0; g < group.Count; g++)
                {
                    if (Take(search, group[g].RowKey, views[g], 0, items) is { } full)
                    {
                        return full;
                    }
                }

                done += group.Count;
                readBelow = group[^1].RowKey;
            }

            upperTicks = windowTicks;
            upperKey = lowerKey;
            if (rows.Count < MaxRowsPerWindow / 4 && span < LongestWindow)
            {
                // Quieter times: wider windows reach older requests in fewer queries.
                span = TimeSpan.FromTicks(Math.Min(LongestWindow.Ticks, span.Ticks * 4));
            }
        }

        return new MessageSearchPage([.. items], upperTicks <= lowestTicks ? null : MessageSearchCursor.ForBatches(upperKey, null));
    }

    /// <summary>
    /// Adds the request's matching messages from slot <paramref name="firstIndex"/> on; the full page, with where it
    /// stopped, once it is full (null while it is not).
    /// </summary>
    private static MessageSearchPage? Take(MessageSearch search, string rowKey, ImmutableArray<MessageView> views, int firstIndex, List<MessageView> items)
    {
        var ordered = views.Where(v => Index(v) >= firstIndex).OrderBy(Index).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (!Matches(search, ordered[i]))
            {
                continue;
            }

            items.Add(ordered[i]);
            if (items.Count == search.PageSize)
            {
                var next = ordered.Skip(i + 1).FirstOrDefault(v => Matches(search, v));
                return new MessageSearchPage([.. items], MessageSearchCursor.ForBatches(rowKey, next is null ? null : Index(next)));
            }
        }

        return null;
    }
}
