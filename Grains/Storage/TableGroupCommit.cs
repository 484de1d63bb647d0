using System.Collections.Concurrent;
using Azure.Data.Tables;
using Orleans.Storage;

namespace Outbound.Grains.Storage;

/// <summary>
/// Commits table writes of many callers together: the writes waiting for one partition of one table go as one
/// entity-group transaction (up to 100 rows, 3 MiB) while the previous one is under way. Each write completes
/// only once its transaction committed, so nothing is acknowledged and then lost; a busy partition costs one
/// request per round trip instead of one per write.
/// </summary>
/// <remarks>
/// The table must exist. A row whose condition fails (its ETag no longer matches, it exists already or is gone) fails alone with an
/// <see cref="InconsistentStateException"/>; the other rows of its transaction are submitted again without it.
/// </remarks>
public sealed class TableGroupCommit
{
    private const int MaxRowsPerTransaction = 100;

    // The service takes at most 4 MiB per transaction; what a row adds besides its data stays well under the rest.
    private const int MaxBytesPerTransaction = 3 * 1024 * 1024;

    private readonly ConcurrentDictionary<(string Table, string Partition), Partition> _partitions = new();

    /// <summary>Completes with the row's new ETag once the transaction that carries <paramref name="action"/> committed.</summary>
    /// <param name="bytes">About how large the row is, so a transaction stays under the service's limit.</param>
    public Task<string?> CommitAsync(TableClient table, TableTransactionAction action, int bytes = 1024) => CommitAsync(table, action, upsert: false, bytes);

    private Task<string?> CommitAsync(TableClient table, TableTransactionAction action, bool upsert, int bytes = 1024)
    {
        var pending = new PendingWrite(action, bytes);
        var partition = _partitions.GetOrAdd((table.Name, action.Entity.PartitionKey), _ => new Partition(table));
        lock (partition.Upserts)
        {
            if (upsert)
            {
                partition.Upserts[action.Entity.RowKey] = pending;
            }

            partition.Queue.Enqueue(pending);
        }

        if (Interlocked.CompareExchange(ref partition.Draining, 1, 0) == 0)
        {
            _ = Task.Run(() => DrainAsync(partition));
        }

        return pending.Committed.Task;
    }

    /// <summary>
    /// Upserts <paramref name="entity"/> (replacing the row) in a shared transaction. An upsert of the same row
    /// still waiting is replaced by this one and completes with it: the row ends as if both had been written in turn.
    /// </summary>
    public Task UpsertAsync(TableClient table, ITableEntity entity)
    {
        var partition = _partitions.GetOrAdd((table.Name, entity.PartitionKey), _ => new Partition(table));
        lock (partition.Upserts)
        {
            if (partition.Upserts.TryGetValue(entity.RowKey, out var waiting))
            {
                waiting.Action = new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
                return waiting.Committed.Task;
            }
        }

        return CommitAsync(table, new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity), upsert: true);
    }

    /// <summary>Commits what waits for the partition, a transaction at a time, until nothing does.</summary>
    private static async Task DrainAsync(Partition partition)
    {
        while (true)
        {
            var batch = Take(partition);
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

            await SubmitAsync(partition.Table, batch);
        }
    }

    private static List<PendingWrite> Take(Partition partition)
    {
        lock (partition.Upserts)
        {
            var batch = TakeFrom(partition.Queue);
            foreach (var write in batch)
            {
                // Taken: a later upsert of the row waits for the next transaction.
                if (partition.Upserts.TryGetValue(write.Action.Entity.RowKey, out var waiting) && waiting == write)
                {
                    partition.Upserts.Remove(write.Action.Entity.RowKey);
                }
            }

            return batch;
        }
    }

    private static List<PendingWrite> TakeFrom(ConcurrentQueue<PendingWrite> queue)
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

    /// <summary>Commits <paramref name="batch"/>; a row whose condition fails fails alone and the others go again.</summary>
    private static async Task SubmitAsync(TableClient table, List<PendingWrite> batch)
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

    private sealed class Partition(TableClient table)
    {
        public readonly ConcurrentQueue<PendingWrite> Queue = new();

        /// <summary>Unconditional upserts not yet taken into a transaction, by row key; also the lock of <see cref="Queue"/>'s writers and taker.</summary>
        public readonly Dictionary<string, PendingWrite> Upserts = new(StringComparer.Ordinal);
        public readonly TableClient Table = table;
        public int Draining;
    }

    private sealed class PendingWrite(TableTransactionAction action, int bytes)
    {
        public TableTransactionAction Action { get; set; } = action;

        public int Bytes { get; } = bytes;

        public TaskCompletionSource<string?> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
