using Azure;
using Azure.Data.Tables;
using Outbound.Activities;
using Outbound.Grains.Storage;
using Outbound.Sending;

namespace Outbound.Grains.Activities;

/// <summary>
/// The two indexes over the activity records, which themselves live in their request's <c>SendBatchGrain</c>
/// state (one entity per request):
/// <list type="bullet">
/// <item><c>ActivityBatches</c>: one row per request, partition = org, row = acceptance time + batch id, with the
/// configuration and (once the request is settled) its counts per status. Reports, reconciliation and retention
/// are range scans over it.</item>
/// <item><c>ActivityTimeline</c>: one row per shown message per contact and per regarding entity; conversation
/// entries have contact rows too; and per customer and channel, the last configuration message (shown or not) that a
/// reply answers. Partitions are <c>{org}-c{n}</c> / <c>{org}-r{n}</c> for a hash bucket n of the key, so a
/// 100-contact request is at most <see cref="TimelinePartitions"/> batch transactions per index rather than 100
/// writes, and a timeline page is one range query: row = key + inverted time (newest first) + message id.</item>
/// </list>
/// </summary>
public sealed class ActivityTables(TableServiceClient service, TableGroupCommit commits)
{
    public const string BatchesTable = "ActivityBatches";
    public const string TimelineTable = "ActivityTimeline";

    /// <summary>Hash buckets per org and index: the number of transactions a request costs at most, per index.</summary>
    public const int TimelinePartitions = 4;

    private const int MaxTransactionSize = 100;

    private readonly Lazy<Task<TableClient>> _batches = new(() => CreateAsync(service, BatchesTable));
    private readonly Lazy<Task<TableClient>> _timeline = new(() => CreateAsync(service, TimelineTable));

    public static string BatchRowKey(DateTimeOffset acceptedAt, Guid batchId) => $"{acceptedAt.UtcTicks:D19}-{batchId:N}";

    /// <summary>The first row key at or after <paramref name="at"/>: the bound of a time range scan.</summary>
    public static string BatchRowKeyBound(DateTimeOffset at) => $"{at.UtcTicks:D19}";

    public async Task UpsertBatchAsync(BatchRow row) =>
        await (await _batches.Value).UpsertEntityAsync(row, TableUpdateMode.Replace);

    public async Task DeleteBatchAsync(Guid orgId, string rowKey)
    {
        try
        {
            await (await _batches.Value).DeleteEntityAsync(OrgPartition(orgId), rowKey);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone: retention is idempotent.
        }
    }

    /// <summary>The org's request rows accepted in [<paramref name="fromRowKey"/>, <paramref name="toRowKey"/>), oldest first.</summary>
    public async IAsyncEnumerable<BatchRow> QueryBatchesAsync(
        Guid orgId, string fromRowKey, string toRowKey, Guid? configurationId = null, bool unsettledOnly = false, Guid? campaignId = null)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {OrgPartition(orgId)} and RowKey ge {fromRowKey} and RowKey lt {toRowKey}");
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

    /// <summary>
    /// Up to <paramref name="take"/> shown entries of one timeline after <paramref name="afterRowKey"/>, newest
    /// first (row keys hold the inverted time). Hidden rows are passed over, so a page still fills.
    /// </summary>
    public async Task<List<TimelineRow>> QueryTimelineAsync(Guid orgId, TimelineKind kind, string key, string? afterRowKey, int take)
    {
        var partition = TimelinePartition(orgId, kind, key);
        var prefix = TimelinePrefix(key);
        // '}' follows '|' in ASCII: the end of every row key that starts with the prefix.
        var end = prefix[..^1] + "}";
        var filter = afterRowKey is not null && string.CompareOrdinal(afterRowKey, prefix) > 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {afterRowKey} and RowKey lt {end}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {end}");
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

    /// <summary>
    /// Up to <paramref name="take"/> rows of a customer's timeline for messages accepted in [<paramref name="from"/>,
    /// <paramref name="until"/>), newest first, after <paramref name="afterRowKey"/>: one range query in one partition.
    /// Hidden rows (messages of configurations not shown, stored by older versions) are included: a search wants them.
    /// </summary>
    public async Task<List<TimelineRow>> QueryContactRangeAsync(Guid orgId, string number, DateTimeOffset from, DateTimeOffset until, string? afterRowKey, int take)
    {
        var partition = TimelinePartition(orgId, TimelineKind.Contact, number);
        var prefix = TimelinePrefix(number);
        // Inverted times: the newest bound is the lowest key. A row at exactly `until` is excluded, one at `from` kept.
        var lowest = prefix + Inverted(until.AddTicks(-1));
        var end = prefix + Inverted(from) + "}";
        var filter = afterRowKey is not null && string.CompareOrdinal(afterRowKey, lowest) >= 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {afterRowKey} and RowKey lt {end}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {lowest} and RowKey lt {end}");
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

    /// <summary>
    /// The row naming the last message of a configuration sent to <paramref name="customer"/> on
    /// <paramref name="channelId"/>: what a reply on that channel answers, found with one point read. It lives in
    /// the customer's timeline partition, so it shares the request's transactions; its key ('*' never occurs in an
    /// encoded key) sorts outside every timeline's range.
    /// </summary>
    public static TimelineRow LastOutbound(Guid orgId, string customer, Guid channelId, DateTimeOffset acceptedAt, string messageId) => new()
    {
        PartitionKey = TimelinePartition(orgId, TimelineKind.Contact, customer),
        RowKey = LastOutboundKey(customer, channelId),
        MessageId = messageId,
        ChannelId = channelId,
        AcceptedAt = acceptedAt,
        Hidden = true,
    };

    /// <summary>The last configuration message sent to the customer on the channel, if any is recorded.</summary>
    public async Task<TimelineRow?> GetLastOutboundAsync(Guid orgId, string customer, Guid channelId)
    {
        var row = await (await _timeline.Value).GetEntityIfExistsAsync<TimelineRow>(
            TimelinePartition(orgId, TimelineKind.Contact, customer), LastOutboundKey(customer, channelId));
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Removes the last-outbound rows that still name a message of <paramref name="batchId"/>; a newer message's row stays.</summary>
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

    /// <summary>
    /// The row of a conversation's transcript entry (a customer's message) in the customer's timeline, beside the
    /// outbound messages: its <see cref="TimelineRow.MessageId"/> is <paramref name="entryId"/>
    /// (<see cref="Outbound.Conversations.ConversationKeys.EntryId"/>), which the timeline resolves through the conversation.
    /// </summary>
    public static TimelineRow ConversationEntry(Guid orgId, string customer, DateTimeOffset at, string entryId, Guid channelId)
    {
        var row = TimelineEntry(orgId, TimelineKind.Contact, customer, at, entryId);
        row.ChannelId = channelId;
        return row;
    }

    /// <summary>The timeline entry of one message, in the contact's or the regarding entity's timeline.</summary>
    public static TimelineRow TimelineEntry(Guid orgId, TimelineKind kind, string key, DateTimeOffset acceptedAt, string messageId) => new()
    {
        PartitionKey = TimelinePartition(orgId, kind, key),
        RowKey = $"{TimelinePrefix(key)}{Inverted(acceptedAt)}|{messageId}",
        MessageId = messageId,
    };

    private static string OrgPartition(Guid orgId) => orgId.ToString("N");

    private static string LastOutboundKey(string customer, Guid channelId) => $"{TimelineKeys.Encode(customer)}*{channelId:N}";

    // Newest first: row keys sort ascending.
    private static string Inverted(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static string TimelinePartition(Guid orgId, TimelineKind kind, string key) =>
        $"{orgId:N}-{(kind == TimelineKind.Contact ? 'c' : 'r')}{StableHash(key) % TimelinePartitions}";

    // Escaped so '/', '\', '#', '?' (not allowed in row keys) and our '|' separator cannot occur inside the key;
    // bounded so an over-long key stored earlier still indexes (and expires) instead of failing every try.
    private static string TimelinePrefix(string key) => TimelineKeys.Encode(key) + "|";

    /// <summary>FNV-1a: stable across processes and versions, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
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

/// <summary>One request in the <c>ActivityBatches</c> index.</summary>
public sealed class BatchRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public Guid BatchId { get; set; }
    public Guid ConfigurationId { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>The campaign that sent the request; null (no property) for any other request.</summary>
    public Guid? CampaignId { get; set; }

    /// <summary>Every message has a final status; the counts below are then current.</summary>
    public bool Settled { get; set; }

    public int Accepted { get; set; }
    public int Sending { get; set; }
    public int Sent { get; set; }
    public int Delivered { get; set; }
    public int Undelivered { get; set; }
    public int Failed { get; set; }
    public int Read { get; set; }
    public int Unknown { get; set; }

    /// <summary>Held for quiet hours; absent (0) in rows written before the status existed.</summary>
    public int Scheduled { get; set; }

    public static BatchRow For(Guid orgId, Guid batchId, Guid configurationId, DateTimeOffset acceptedAt, StatusCounts counts, bool settled, Guid? campaignId = null) => new()
    {
        PartitionKey = orgId.ToString("N"),
        RowKey = ActivityTables.BatchRowKey(acceptedAt, batchId),
        BatchId = batchId,
        ConfigurationId = configurationId,
        CampaignId = campaignId,
        AcceptedAt = acceptedAt,
        Settled = settled,
        Accepted = counts.Accepted,
        Sending = counts.Sending,
        Sent = counts.Sent,
        Delivered = counts.Delivered,
        Undelivered = counts.Undelivered,
        Failed = counts.Failed,
        Read = counts.Read,
        Unknown = counts.Unknown,
        Scheduled = counts.Scheduled,
    };

    public StatusCounts ToCounts() => new(Accepted, Sending, Sent, Delivered, Undelivered, Failed, Read, Unknown) { Scheduled = Scheduled };
}

/// <summary>One message in a contact's or a regarding entity's timeline.</summary>
public sealed class TimelineRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MessageId { get; set; } = "";

    /// <summary>The channel of the message (its configuration's); null in rows written before channels were recorded.</summary>
    public Guid? ChannelId { get; set; }

    /// <summary>Not shown in the timeline: a last-outbound row, or a message whose configuration did not show there (written by older versions).</summary>
    public bool Hidden { get; set; }

    /// <summary>When the message was accepted; set in last-outbound rows only.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }
}
