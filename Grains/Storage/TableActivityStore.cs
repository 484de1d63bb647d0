using Azure;
using Azure.Data.Tables;
using Outbound.Activities;
using Outbound.Grains.Activities;
using Outbound.Sending;

namespace Outbound.Grains.Storage;

/// <summary>
/// The activity indexes in Azure Tables (<see cref="ActivityTables.BatchesTable"/> and
/// <see cref="ActivityTables.TimelineTable"/>, keyed as <see cref="ActivityTables"/> lays out): a request's timeline
/// entries are written in one transaction per partition and hundred rows, so a request costs a few writes whatever
/// its number of contacts.
/// </summary>
public sealed class TableActivityStore(TableServiceClient service, TableGroupCommit commits) : IActivityStore
{
    private const int MaxTransactionSize = 100;

    private readonly Lazy<Task<TableClient>> _batches = new(() => CreateAsync(service, ActivityTables.BatchesTable));
    private readonly Lazy<Task<TableClient>> _timeline = new(() => CreateAsync(service, ActivityTables.TimelineTable));

    public async Task UpsertBatchAsync(BatchRow row) =>
        await (await _batches.Value).UpsertEntityAsync(row, TableUpdateMode.Replace);

    public async Task DeleteBatchAsync(Guid orgId, string rowKey)
    {
        try
        {
            await (await _batches.Value).DeleteEntityAsync(ActivityTables.OrgPartition(orgId), rowKey);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone: retention is idempotent.
        }
    }

    public async IAsyncEnumerable<BatchRow> QueryBatchesAsync(
        Guid orgId, string fromRowKey, string toRowKey, Guid? configurationId = null, bool unsettledOnly = false, Guid? campaignId = null)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ActivityTables.OrgPartition(orgId)} and RowKey ge {fromRowKey} and RowKey lt {toRowKey}");
        if (configurationId is { } id)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ConfigurationId eq {id}");
        }

        if (campaignId is { } campaign)
        {
            // Rows of requests no campaign sent have no CampaignId, so they never match.
            filter += " and " + TableClient.CreateQueryFilter($"CampaignId eq {campaign}");
        }

        if (unsettledOnly)
        {
            filter += " and Settled eq false";
        }

        await foreach (var row in (await _batches.Value).QueryAsync<BatchRow>(filter))
        {
            yield return row;
        }
    }

    /// <summary>Adds the entries, one transaction per partition and hundred rows.</summary>
    public async Task UpsertTimelineAsync(IEnumerable<TimelineRow> rows)
    {
        var table = await _timeline.Value;
        await Task.WhenAll(Transactions(rows, TableTransactionActionType.UpsertReplace).Select(actions => table.SubmitTransactionAsync(actions)));
    }

    /// <summary>Adds one entry in a transaction shared with other writers' entries of its partition (a customer's message, say).</summary>
    public async Task UpsertTimelineRowAsync(TimelineRow row) => await commits.UpsertAsync(await _timeline.Value, row);

    /// <summary>Removes the entries, one transaction per partition and hundred rows (row by row where some are already gone).</summary>
    public async Task DeleteTimelineAsync(IEnumerable<TimelineRow> rows)
    {
        var table = await _timeline.Value;
        await Task.WhenAll(Transactions(rows, TableTransactionActionType.Delete).Select(async actions =>
        {
            try
            {
                await table.SubmitTransactionAsync(actions);
            }
            catch (TableTransactionFailedException)
            {
                // A transaction fails whole if one row is missing (a retried expiry): delete what is left one by one.
                foreach (var action in actions)
                {
                    await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey);
                }
            }
        }));
    }

    public async Task<List<TimelineRow>> QueryTimelineAsync(Guid orgId, TimelineKind kind, string key, string? afterRowKey, int take)
    {
        var range = ActivityTables.TimelineRange(orgId, kind, key);
        var filter = afterRowKey is not null && string.CompareOrdinal(afterRowKey, range.From) > 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {range.Partition} and RowKey gt {afterRowKey} and RowKey lt {range.End}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {range.Partition} and RowKey ge {range.From} and RowKey lt {range.End}");
        var rows = new List<TimelineRow>(take);
        await foreach (var row in (await _timeline.Value).QueryAsync<TimelineRow>(filter, maxPerPage: take))
        {
            // Filtered here rather than in the query: rows written before the column existed have no Hidden.
            if (row.Hidden)
            {
                continue;
            }

            rows.Add(row);
            if (rows.Count == take)
            {
                break;
            }
        }

        return rows;
    }

    public async Task<List<TimelineRow>> QueryContactRangeAsync(Guid orgId, string number, DateTimeOffset from, DateTimeOffset until, string? afterRowKey, int take)
    {
        var range = ActivityTables.ContactRange(orgId, number, from, until);
        var filter = afterRowKey is not null && string.CompareOrdinal(afterRowKey, range.From) >= 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {range.Partition} and RowKey gt {afterRowKey} and RowKey lt {range.End}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {range.Partition} and RowKey ge {range.From} and RowKey lt {range.End}");
        var rows = new List<TimelineRow>(take);
        await foreach (var row in (await _timeline.Value).QueryAsync<TimelineRow>(filter, maxPerPage: take))
        {
            rows.Add(row);
            if (rows.Count == take)
            {
                break;
            }
        }

        return rows;
    }

    public async Task<TimelineRow?> GetLastOutboundAsync(Guid orgId, string customer, Guid channelId)
    {
        var (partitionKey, rowKey) = ActivityTables.LastOutboundAddress(orgId, customer, channelId);
        var row = await (await _timeline.Value).GetEntityIfExistsAsync<TimelineRow>(partitionKey, rowKey);
        return row.HasValue ? row.Value : null;
    }

    public async Task DeleteLastOutboundAsync(IEnumerable<TimelineRow> rows, Guid batchId)
    {
        var table = await _timeline.Value;
        // A few reads at a time: expiry is background work and must not crowd the storage account.
        using var slots = new SemaphoreSlim(8);
        await Task.WhenAll(rows.Select(async row =>
        {
            await slots.WaitAsync();
            try
            {
                var stored = await table.GetEntityIfExistsAsync<TimelineRow>(row.PartitionKey, row.RowKey);
                if (stored is { HasValue: true, Value: { } current } && MessageIds.TryParse(current.MessageId, out var storedBatch, out _) && storedBatch == batchId)
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, current.ETag);
                }
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // A newer message took the row meanwhile: it stays.
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private static IEnumerable<List<TableTransactionAction>> Transactions(IEnumerable<TimelineRow> rows, TableTransactionActionType type) =>
        rows.GroupBy(r => r.PartitionKey)
            .SelectMany(partition => partition.DistinctBy(r => r.RowKey).Chunk(MaxTransactionSize))
            .Select(chunk => chunk.Select(r => new TableTransactionAction(type, r, ETag.All)).ToList());

    private static async Task<TableClient> CreateAsync(TableServiceClient service, string name)
    {
        var table = service.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
