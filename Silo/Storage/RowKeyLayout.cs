using Azure.Data.Tables;

namespace Outbound.Silo.Storage;

/// <summary>
/// Tells whether a grain-state table holds rows of the layout before <see cref="GrainRowKeyStorage"/>. A table that
/// starts empty gets a marker row, so later silos know without looking further; a table without the marker that
/// has any row was written by an earlier version.
/// </summary>
public static class RowKeyLayout
{
    // Orleans' partitions are "{service id}_{grain}": '~' sorts after them and no service id starts with it.
    private const string MarkerPartition = "~layout";
    private const string MarkerRow = "grain-row-keys";

    public static async Task<bool> HasLegacyRowsAsync(TableClient table)
    {
        await table.CreateIfNotExistsAsync();
        if ((await table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, MarkerRow, select: ["PartitionKey"])).HasValue)
        {
            return false;
        }

        await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"]))
        {
            return true;
        }

        await table.UpsertEntityAsync(new TableEntity(MarkerPartition, MarkerRow));
        return false;
    }
}
