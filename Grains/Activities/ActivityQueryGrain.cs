using Orleans.Concurrency;
using Outbound.Activities;
using Outbound.Sending;

namespace Outbound.Grains.Activities;

/// <summary>
/// Answers timeline and report queries for the org in its key: index scans in Azure Tables, then the current
/// status from each request's batch grain (one call per request, not per message). Stateless, so queries of one
/// org spread over the silos and never queue behind each other.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ActivityQueryGrain(ActivityTables activities) : Grain, IActivityQueryGrain
{
    /// <summary>Requests per recipients page: at most this many batch grain calls, and 100 times as many rows.</summary>
    private const int BatchesPerRecipientsPage = 20;

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
        await foreach (var row in activities.QueryBatchesAsync(OrgId, ActivityTables.BatchRowKeyBound(query.From), ActivityTables.BatchRowKeyBound(query.To), query.ConfigurationId))
        {
            var bucket = BucketStart(row.AcceptedAt, query.Interval);
            if (row.Settled)
            {
                buckets[bucket] = buckets.GetValueOrDefault(bucket, StatusCounts.None).Plus(row.ToCounts());
            }
            else
            {
                // Still moving (recent requests): their grains have the current counts.
                live.Add(LiveCountsAsync(row.BatchId, bucket));
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

    public async Task<RecipientsPage> GetRecipientsAsync(ReportQuery query, string? cursor)
    {
        // The cursor is the last request of the previous page: start there and skip it (row keys are unique).
        var from = cursor is not null && string.CompareOrdinal(cursor, ActivityTables.BatchRowKeyBound(query.From)) > 0
            ? cursor
            : ActivityTables.BatchRowKeyBound(query.From);
        var rows = new List<BatchRow>(BatchesPerRecipientsPage + 1);
        await foreach (var row in activities.QueryBatchesAsync(OrgId, from, ActivityTables.BatchRowKeyBound(query.To), query.ConfigurationId))
        {
            if (row.RowKey == cursor)
            {
                continue;
            }

            rows.Add(row);
            if (rows.Count > BatchesPerRecipientsPage)
            {
                break;
            }
        }

        var page = rows.Take(BatchesPerRecipientsPage).ToList();
        var messages = await Task.WhenAll(page.Select(r => Batch(r.BatchId).GetMessagesAsync([])));
        return new RecipientsPage([.. messages.SelectMany(m => m)], rows.Count > BatchesPerRecipientsPage ? page[^1].RowKey : null);
    }

    private static DateTimeOffset BucketStart(DateTimeOffset at, ReportInterval interval)
    {
        var utc = at.ToUniversalTime();
        return interval == ReportInterval.Day
            ? new DateTimeOffset(utc.Date, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The current views of <paramref name="messageIds"/>, fetched per request; expired ones are missing.</summary>
    private async Task<Dictionary<string, MessageView>> ViewsAsync(IEnumerable<string> messageIds)
    {
        var byBatch = messageIds
            .Select(id => MessageIds.TryParse(id, out var batchId, out var index) ? (batchId, index) : default)
            .Where(m => m.batchId != Guid.Empty)
            .GroupBy(m => m.batchId, m => m.index);
        var views = await Task.WhenAll(byBatch.Select(g => Batch(g.Key).GetMessagesAsync([.. g])));
        return views.SelectMany(v => v).ToDictionary(v => v.MessageId);
    }

    private ISendBatchGrain Batch(Guid batchId) => GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(OrgId, batchId));
}
