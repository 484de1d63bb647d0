using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Orleans.Storage;

namespace Outbound.Silo.Storage;

/// <summary>
/// Grain storage that commits the writes of many grains together: each grain's row lives in one of
/// <see cref="Partitions"/> partitions (by its uniform hash), and the writes waiting for a partition go to Azure
/// Tables as one entity-group transaction of up to 100 rows while the previous one is under way. A write is
/// acknowledged only once its transaction committed, so a state is never acknowledged and then lost; a busy store
/// costs about one request per partition round trip instead of one per write.
/// </summary>
/// <remarks>
/// Each row keeps its own ETag, checked in the transaction, so a stale activation fails its own write
/// (<see cref="InconsistentStateException"/>) and no one else's: a failed row is dropped and the rest are retried.
/// State is split over up to 15 binary columns of 64 KiB (the table service's limit per property).
/// </remarks>
public sealed class GroupCommitTableStorage(TableClient table, IGrainStorageSerializer serializer, int partitions = GroupCommitTableStorage.DefaultPartitions)
    : IGrainStorage
{
    public const int DefaultPartitions = 16;

    /// <summary>The largest state a row holds: 15 columns of 64 KiB.</summary>
    public const int MaxStateBytes = Columns * ColumnBytes;

    private const int Columns = 15;
    private const int ColumnBytes = 64 * 1024;
    private const int MaxRowsPerTransaction = 100;

    // The service takes at most 4 MiB per transaction; what a row adds besides its data stays well under the rest.
    private const int MaxBytesPerTransaction = 3 * 1024 * 1024;
    private const string SizeColumn = "Size";

    private readonly Lazy<Task> _created = new(() => table.CreateIfNotExistsAsync());
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

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
        var pending = new PendingWrite(action, bytes);
        var partition = _partitions.GetOrAdd(action.Entity.PartitionKey, _ => new Partition());
        partition.Queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref partition.Draining, 1, 0) == 0)
        {
            _ = Task.Run(() => DrainAsync(partition));
        }

        return await pending.Committed.Task;
    }

    /// <summary>Commits what waits for the partition, a transaction at a time, until nothing does.</summary>
    private async Task DrainAsync(Partition partition)
    {
        while (true)
        {
            var batch = Take(partition.Queue);
            if (batch.Count == 0)
            {
                Volatile.Write(ref partition.Draining, 0);
                // A write enqueued after the last look, before the flag dropped, would otherwise wait for the next one.
                if (partition.Queue.IsEmpty || Interlocked.CompareExchange(ref partition.Draining, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            await SubmitAsync(batch);
        }
    }

    private static List<PendingWrite> Take(ConcurrentQueue<PendingWrite> queue)
    {
        var batch = new List<PendingWrite>();
        var bytes = 0;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        while (batch.Count < MaxRowsPerTransaction && queue.TryPeek(out var next)
            && (batch.Count == 0 || bytes + next.Bytes <= MaxBytesPerTransaction)
            // A row appears once per transaction; its next write waits for the next one.
            && rows.Add(next.Action.Entity.RowKey)
            && queue.TryDequeue(out next))
        {
            batch.Add(next);
            bytes += next.Bytes;
        }

        return batch;
    }

    /// <summary>Commits <paramref name="batch"/>; a row whose ETag no longer matches fails alone and the others go again.</summary>
    private async Task SubmitAsync(List<PendingWrite> batch)
    {
        while (batch.Count > 0)
        {
            try
            {
                var responses = (await table.SubmitTransactionAsync(batch.Select(w => w.Action))).Value;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Committed.TrySetResult(responses[i].Headers.ETag?.ToString());
                }

                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } failed && failed < batch.Count)
            {
                batch[failed].Committed.TrySetException(e.Status is 404 or 409 or 412
                    ? new InconsistentStateException($"The row was changed or removed by another writer: {e.ErrorCode}", e)
                    : e);
                batch.RemoveAt(failed);
            }
            catch (Exception e)
            {
                foreach (var write in batch)
                {
                    write.Committed.TrySetException(e);
                }

                return;
            }
        }
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

    private sealed class Partition
    {
        public readonly ConcurrentQueue<PendingWrite> Queue = new();
        public int Draining;
    }

    private sealed record PendingWrite(TableTransactionAction Action, int Bytes)
    {
        public TaskCompletionSource<string?> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
