using Azure;
using Azure.Data.Tables;
using Outbound.Conversations;
using Outbound.Grains.Storage;

namespace Outbound.Grains.Conversations;

/// <summary>
/// The org's conversations for admins, newest first: table <c>ConversationIndex</c>, partition = org, row = inverted
/// opening time + conversation id. Each conversation upserts its own row when its status or agent changes (in
/// transactions shared with the org's other conversations); the transcript stays in the conversation grain.
/// </summary>
public sealed class ConversationIndex(TableServiceClient service, TableGroupCommit commits)
{
    public const string TableName = "ConversationIndex";

    private readonly Lazy<Task<TableClient>> _table = new(async () =>
    {
        var table = service.GetTableClient(TableName);
        await table.CreateIfNotExistsAsync();
        return table;
    });

    public async Task UpsertAsync(Guid orgId, ConversationRow row)
    {
        row.PartitionKey = orgId.ToString("N");
        row.RowKey = RowKey(row.OpenedAt, row.ConversationId);
        // Rows of one org share a partition, so a busy org's changes share transactions.
        await commits.UpsertAsync(await _table.Value, row);
    }

    /// <summary>Up to <paramref name="take"/> rows after <paramref name="afterRowKey"/>, newest first, optionally of one status.</summary>
    public async Task<List<ConversationRow>> QueryAsync(Guid orgId, ConversationStatus? status, string? afterRowKey, int take)
    {
        var filter = afterRowKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {orgId.ToString("N")}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {orgId.ToString("N")} and RowKey gt {afterRowKey}");
        if (status is { } wanted)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {(int)wanted}");
        }

        var rows = new List<ConversationRow>(take);
        await foreach (var row in (await _table.Value).QueryAsync<ConversationRow>(filter, maxPerPage: Math.Min(take, 1000)))
        {
            rows.Add(row);
            if (rows.Count == take)
            {
                break;
            }
        }

        return rows;
    }

    private static string RowKey(DateTimeOffset openedAt, Guid conversationId) =>
        $"{DateTimeOffset.MaxValue.UtcTicks - openedAt.UtcTicks:D19}-{conversationId:N}";
}

/// <summary>One conversation in <see cref="ConversationIndex"/>.</summary>
public sealed class ConversationRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public Guid ConversationId { get; set; }
    public string Customer { get; set; } = "";
    public Guid ChannelId { get; set; }
    public int Status { get; set; }
    public Guid? QueueId { get; set; }
    public Guid? AgentId { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }
}
