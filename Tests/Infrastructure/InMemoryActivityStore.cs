using Outbound.Activities;
using Outbound.Grains.Activities;
using Outbound.Sending;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// The activity indexes in memory, for tests on an in-process cluster: the same partitions and row keys as the
/// Azure Tables store (<see cref="ActivityTables"/>), sorted ordinally as Azure Tables sorts them, so cursors and time
/// ranges behave alike. Rows are copied in and out, as a round trip through storage would.
/// </summary>
public sealed class InMemoryActivityStore : IActivityStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedDictionary<string, BatchRow>> _batches = [];
    private readonly Dictionary<string, SortedDictionary<string, TimelineRow>> _timeline = [];

    /// <summary>Every request row of the org, oldest first.</summary>
    public IReadOnlyList<BatchRow> Batches(Guid orgId)
    {
        lock (_lock)
        {
            return _batches.TryGetValue(ActivityTables.OrgPartition(orgId), out var rows) ? [.. rows.Values.Select(Copy)] : [];
        }
    }

    public Task UpsertBatchAsync(BatchRow row)
    {
        Put(_batches, Copy(row));
        return Task.CompletedTask;
    }

    public Task DeleteBatchAsync(Guid orgId, string rowKey)
    {
        Remove(_batches, ActivityTables.OrgPartition(orgId), rowKey);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<BatchRow> QueryBatchesAsync(
        Guid orgId, string fromRowKey, string toRowKey, Guid? configurationId = null, bool unsettledOnly = false, Guid? campaignId = null)
    {
        var rows = Range(_batches, ActivityTables.OrgPartition(orgId), fromRowKey, inclusive: true, toRowKey)
            .Where(r => (configurationId is not { } id || r.ConfigurationId == id)
                && (campaignId is not { } campaign || r.CampaignId == campaign)
                && (!unsettledOnly || !r.Settled));
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }

    public Task UpsertTimelineAsync(IEnumerable<TimelineRow> rows)
    {
        foreach (var row in rows)
        {
            Put(_timeline, Copy(row));
        }

        return Task.CompletedTask;
    }

    public Task UpsertTimelineRowAsync(TimelineRow row) => UpsertTimelineAsync([row]);

    public Task DeleteTimelineAsync(IEnumerable<TimelineRow> rows)
    {
        foreach (var row in rows)
        {
            Remove(_timeline, row.PartitionKey, row.RowKey);
        }

        return Task.CompletedTask;
    }

    public Task<List<TimelineRow>> QueryTimelineAsync(Guid orgId, TimelineKind kind, string key, string? afterRowKey, int take)
    {
        var range = ActivityTables.TimelineRange(orgId, kind, key);
        var after = afterRowKey is not null && string.CompareOrdinal(afterRowKey, range.From) > 0;
        return Task.FromResult(Range(_timeline, range.Partition, after ? afterRowKey! : range.From, inclusive: !after, range.End)
            .Where(r => !r.Hidden).Take(take).ToList());
    }

    public Task<List<TimelineRow>> QueryContactRangeAsync(Guid orgId, string number, DateTimeOffset from, DateTimeOffset until, string? afterRowKey, int take)
    {
        var range = ActivityTables.ContactRange(orgId, number, from, until);
        var after = afterRowKey is not null && string.CompareOrdinal(afterRowKey, range.From) >= 0;
        return Task.FromResult(Range(_timeline, range.Partition, after ? afterRowKey! : range.From, inclusive: !after, range.End).Take(take).ToList());
    }

    public Task<TimelineRow?> GetLastOutboundAsync(Guid orgId, string customer, Guid channelId)
    {
        var (partitionKey, rowKey) = ActivityTables.LastOutboundAddress(orgId, customer, channelId);
        lock (_lock)
        {
            return Task.FromResult(_timeline.TryGetValue(partitionKey, out var rows) && rows.TryGetValue(rowKey, out var row) ? Copy(row) : null);
        }
    }

    public Task DeleteLastOutboundAsync(IEnumerable<TimelineRow> rows, Guid batchId)
    {
        lock (_lock)
        {
            foreach (var row in rows)
            {
                if (_timeline.TryGetValue(row.PartitionKey, out var partition) && partition.TryGetValue(row.RowKey, out var stored)
                    && MessageIds.TryParse(stored.MessageId, out var storedBatch, out _) && storedBatch == batchId)
                {
                    partition.Remove(row.RowKey);
                }
            }
        }

        return Task.CompletedTask;
    }

    private void Put<TRow>(Dictionary<string, SortedDictionary<string, TRow>> table, TRow row)
        where TRow : Azure.Data.Tables.ITableEntity
    {
        lock (_lock)
        {
            if (!table.TryGetValue(row.PartitionKey, out var partition))
            {
                table[row.PartitionKey] = partition = new SortedDictionary<string, TRow>(StringComparer.Ordinal);
            }

            partition[row.RowKey] = row;
        }
    }

    private void Remove<TRow>(Dictionary<string, SortedDictionary<string, TRow>> table, string partitionKey, string rowKey)
    {
        lock (_lock)
        {
            if (table.TryGetValue(partitionKey, out var partition))
            {
                partition.Remove(rowKey);
            }
        }
    }

    /// <summary>Copies of the partition's rows from <paramref name="from"/> (inclusive or not) up to <paramref name="end"/> (exclusive), in key order.</summary>
    private List<TRow> Range<TRow>(Dictionary<string, SortedDictionary<string, TRow>> table, string partitionKey, string from, bool inclusive, string end)
        where TRow : class
    {
        lock (_lock)
        {
            if (!table.TryGetValue(partitionKey, out var partition))
            {
                return [];
            }

            return [.. partition
                .Where(p => (inclusive ? string.CompareOrdinal(p.Key, from) >= 0 : string.CompareOrdinal(p.Key, from) > 0) && string.CompareOrdinal(p.Key, end) < 0)
                .Select(p => Copy(p.Value))];
        }
    }

    private static readonly System.Reflection.MethodInfo ShallowCopy =
        typeof(object).GetMethod(nameof(MemberwiseClone), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;

    // A shallow copy is a full one: the rows hold only strings and values.
    private static TRow Copy<TRow>(TRow row)
        where TRow : class => (TRow)ShallowCopy.Invoke(row, null)!;
}
