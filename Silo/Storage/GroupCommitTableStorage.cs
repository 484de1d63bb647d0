using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Orleans.Storage;
using Outbound.Grains.Storage;

namespace Outbound.Silo.Storage;

/// <summary>
/// Grain storage that commits the writes of many grains together: each grain's row lives in one of
/// <see cref="Partitions"/> partitions (by its uniform hash), and the writes waiting for a partition go to Azure
/// Tables as one entity-group transaction (<see cref="TableGroupCommit"/>). A write is acknowledged only once its
/// transaction committed, so a state is never acknowledged and then lost; a busy store costs about one request per
/// partition round trip instead of one per write.
/// </summary>
/// <remarks>
/// Each row keeps its own ETag, checked in the transaction, so a stale activation fails its own write
/// (<see cref="InconsistentStateException"/>) and no one else's. State is split over up to 15 binary columns of
/// 64 KiB (the table service's limit per property).
/// </remarks>
public sealed class GroupCommitTableStorage(
    TableClient table, IGrainStorageSerializer serializer, TableGroupCommit commits, int partitions = GroupCommitTableStorage.DefaultPartitions)
    : IGrainStorage
{
    public const int DefaultPartitions = 16;

    /// <summary>The largest state a row holds: 15 columns of 64 KiB.</summary>
    public const int MaxStateBytes = Columns * ColumnBytes;

    private const int Columns = 15;
    private const int ColumnBytes = 64 * 1024;
    private const string SizeColumn = "Size";

    private readonly Lazy<Task> _created = new(() => table.CreateIfNotExistsAsync());

    public int Partitions => partitions;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _created.Value;
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(grainId), RowOf(stateName, grainId));
        if (!row.HasValue || row.Value is not { } entity)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData(Join(entity)));
        grainState.ETag = entity.ETag.ToString();
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State).ToMemory();
        if (data.Length > MaxStateBytes)
        {
            throw new InvalidOperationException($"The state '{stateName}' of {grainId} takes {data.Length} bytes, more than the {MaxStateBytes} a row holds.");
        }

        var entity = new TableEntity(PartitionOf(grainId), RowOf(stateName, grainId)) { [SizeColumn] = data.Length };
        for (var column = 0; column * ColumnBytes < data.Length; column++)
        {
            entity[$"D{column}"] = data.Slice(column * ColumnBytes, Math.Min(ColumnBytes, data.Length - (column * ColumnBytes))).ToArray();
        }

        var action = grainState.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(etag))
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
        grainState.ETag = await CommitAsync(action, data.Length);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is { } etag)
        {
            var entity = new TableEntity(PartitionOf(grainId), RowOf(stateName, grainId));
            await CommitAsync(new TableTransactionAction(TableTransactionActionType.Delete, entity, new ETag(etag)), 0);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        // As Orleans' own stores: a cleared state reads as a new one (where the type can make one).
        grainState.State = typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance<T>() : default!;
    }

    private async Task<string?> CommitAsync(TableTransactionAction action, int bytes)
    {
        await _created.Value;
        return await commits.CommitAsync(table, action, bytes);
    }

    private string PartitionOf(GrainId grainId) =>
        string.Create(CultureInfo.InvariantCulture, $"g{grainId.GetUniformHashCode() % (uint)partitions:D3}");

    // Row keys may not hold '/', '\', '#' or '?' (nor control characters): those, and '%', are percent-encoded.
    private static string RowOf(string stateName, GrainId grainId)
    {
        var row = new StringBuilder(stateName).Append('.');
        foreach (var c in grainId.ToString())
        {
            _ = c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c) ? row.Append(CultureInfo.InvariantCulture, $"%{(int)c:X2}") : row.Append(c);
        }

        return row.ToString();
    }

    private static byte[] Join(TableEntity entity)
    {
        var size = entity.GetInt32(SizeColumn) ?? 0;
        var data = new byte[size];
        for (var column = 0; column * ColumnBytes < size; column++)
        {
            entity.GetBinary($"D{column}").CopyTo(data, column * ColumnBytes);
        }

        return data;
    }
}
