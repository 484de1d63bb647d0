using Orleans.Concurrency;
using Outbound.Activities;
using Outbound.Conversations;
using Outbound.Sending;

namespace Outbound.Grains.Activities;

/// <summary>
/// Answers timeline and report queries for the org in its key: index scans (<see cref="IActivityStore"/>), then the current
/// status from each request's batch grain (one call per request, never per message, and a bounded number per
/// query). Stateless, so queries of one org spread over the silos and never queue behind each other.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed partial class ActivityQueryGrain(IActivityStore activities) : Grain, IActivityQueryGrain
{
    /// <summary>Requests whose messages a recipients page reads at most: the batch grain calls one page may cost.</summary>
    public const int MaxRequestsPerPage = 100;

    /// <summary>Unsettled requests whose live counts a report asks for at most; the rest count as their index rows say.</summary>
    public const int MaxLiveRequestsPerReport = 100;

    // Batch grain calls in flight at once while a page is read.
    private const int RequestsPerCall = 20;

    private Guid OrgId => this.GetPrimaryKey();

    public async Task<TimelinePage> GetTimelineAsync(TimelineQuery query)
    {
        // One row more than asked tells whether there is a next page.
        var rows = await activities.QueryTimelineAsync(OrgId, query.Kind, query.Key, query.Cursor, query.PageSize + 1);
        var page = rows.Take(query.PageSize).ToList();
        var views = await ViewsAsync(page.Select(r => r.MessageId));
        var items = page.Select(r => views.GetValueOrDefault(r.MessageId)).OfType<MessageView>().ToImmutableArray();
        return new TimelinePage(items, rows.Count > query.PageSize ? page[^1].RowKey : null);
    }

    public async Task<OutboundReport> GetReportAsync(ReportQuery query)
    {
        // Summed as the rows stream by: a month of a busy org is many rows, never a list of them.
        var buckets = new SortedDictionary<DateTimeOffset, StatusCounts>();
        var live = new List<Task<(DateTimeOffset Bucket, StatusCounts? Counts)>>();
        await foreach (var row in activities.QueryBatchesAsync(OrgId, ActivityTables.BatchRowKeyBound(query.From), ActivityTables.BatchRowKeyBound(query.To), query.ConfigurationId, campaignId: query.CampaignId))
        {
            var bucket = BucketStart(row.AcceptedAt, query.Interval);
            if (!row.Settled && live.Count < MaxLiveRequestsPerReport)
            {
                // Still moving (recent requests): their grains have the current counts.
                live.Add(LiveCountsAsync(row.BatchId, bucket));
            }
            else
            {
                // Settled, or past the live lookups one report may cost: the counts the index row holds.
                buckets[bucket] = buckets.GetValueOrDefault(bucket, StatusCounts.None).Plus(row.ToCounts());
            }
        }

        foreach (var (bucket, counts) in await Task.WhenAll(live))
        {
            buckets[bucket] = buckets.GetValueOrDefault(bucket, StatusCounts.None).Plus(counts ?? StatusCounts.None);
        }

        var result = buckets.Select(b => new ReportBucket(b.Key, b.Value)).ToImmutableArray();
        return new OutboundReport(result, result.Aggregate(StatusCounts.None, (sum, b) => sum.Plus(b.Counts)));
    }

    private async Task<(DateTimeOffset, StatusCounts?)> LiveCountsAsync(Guid batchId, DateTimeOffset bucket) =>
        (bucket, await Batch(batchId).GetStatusCountsAsync());

    public async Task<RecipientsPage> GetRecipientsAsync(ReportQuery query, string? cursor, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // The cursor is where the previous page stopped: a request, and the first of its messages not yet listed
        // (none: the whole request was listed).
        var (cursorRow, firstIndex) = RecipientsCursor.Parse(cursor);
        var lowest = ActivityTables.BatchRowKeyBound(query.From);
        var from = cursorRow is not null && string.CompareOrdinal(cursorRow, lowest) > 0 ? cursorRow : lowest;
        var messages = new List<MessageView>(Math.Min(limit, 1_000));
        var requests = 0;
        await using var rows = activities.QueryBatchesAsync(OrgId, from, ActivityTables.BatchRowKeyBound(query.To), query.ConfigurationId, campaignId: query.CampaignId).GetAsyncEnumerator();
        var more = await rows.MoveNextAsync();
        while (more)
        {
            var group = new List<BatchRow>(RequestsPerCall);
            while (more && group.Count < RequestsPerCall && requests + group.Count < MaxRequestsPerPage)
            {
                if (rows.Current.RowKey != cursorRow || firstIndex is not null)
                {
                    group.Add(rows.Current);
                }

                more = await rows.MoveNextAsync();
            }

            var views = await Task.WhenAll(group.Select(r => Batch(r.BatchId).GetMessagesAsync([])));
            for (var g = 0; g < group.Count; g++)
            {
                var skipBelow = group[g].RowKey == cursorRow ? firstIndex ?? 0 : 0;
                foreach (var view in views[g].Where(v => Index(v) >= skipBelow).OrderBy(Index))
                {
                    if (messages.Count == limit)
                    {
                        return new RecipientsPage([.. messages], RecipientsCursor.Format(group[g].RowKey, Index(view)));
                    }

                    messages.Add(view);
                }
            }

            requests += group.Count;
            if (requests >= MaxRequestsPerPage && more)
            {
                // Enough requests for one page, whatever their size: the next page starts after the last one.
                return new RecipientsPage([.. messages], RecipientsCursor.Format(group[^1].RowKey, null));
            }
        }

        return new RecipientsPage([.. messages], null);
    }

    private static int Index(MessageView view) => MessageIds.TryParse(view.MessageId, out _, out var index) ? index : -1;

    private static DateTimeOffset BucketStart(DateTimeOffset at, ReportInterval interval)
    {
        var utc = at.ToUniversalTime();
        return interval == ReportInterval.Day
            ? new DateTimeOffset(utc.Date, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// The current views of <paramref name="messageIds"/>, fetched per request, and those of conversation entries
    /// per conversation; expired ones are missing.
    /// </summary>
    private async Task<Dictionary<string, MessageView>> ViewsAsync(IEnumerable<string> messageIds)
    {
        var ids = messageIds.ToList();
        var byBatch = ids
            .Select(id => MessageIds.TryParse(id, out var batchId, out var index) ? (batchId, index) : default)
            .Where(m => m.batchId != Guid.Empty)
            .GroupBy(m => m.batchId, m => m.index);
        var byConversation = ids
            .Select(id => ConversationKeys.TryParseEntryId(id, out var conversationId, out var sequence) ? (conversationId, sequence) : default)
            .Where(e => e.conversationId != Guid.Empty)
            .GroupBy(e => e.conversationId, e => e.sequence);
        var views = await Task.WhenAll(
            byBatch.Select(g => Batch(g.Key).GetMessagesAsync([.. g]))
                .Concat(byConversation.Select(g => Conversation(g.Key).GetTimelineEntriesAsync([.. g]))));
        return views.SelectMany(v => v).DistinctBy(v => v.MessageId).ToDictionary(v => v.MessageId);
    }

    private ISendBatchGrain Batch(Guid batchId) => GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(OrgId, batchId));

    private IConversationGrain Conversation(Guid conversationId) =>
        GrainFactory.GetGrain<IConversationGrain>(ConversationKeys.Conversation(OrgId, conversationId));

    public async Task<LinkedOutbound?> FindLastOutboundAsync(string to, Guid channelId, DateTimeOffset since)
    {
        // One point read: the send path keeps the row naming the customer's last configuration message on the channel.
        if (await activities.GetLastOutboundAsync(OrgId, to, channelId) is not { AcceptedAt: { } acceptedAt } row || acceptedAt < since
            || !MessageIds.TryParse(row.MessageId, out var batchId, out var index))
        {
            return null;
        }

        return await Batch(batchId).GetMessageAsync(index) is { Purpose: null } view
            ? new LinkedOutbound(view.MessageId, view.ConfigurationId, view.Activity?.RegardingEntity, view.AcceptedAt, view.Activity?.Body, view.Activity?.ContentSid)
            : null;
    }
}
