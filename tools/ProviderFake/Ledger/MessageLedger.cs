using System.Collections.Concurrent;

namespace Outbound.ProviderFake.Ledger;

/// <summary>
/// Every accepted message, in arrival order. A lock-free queue: the benchmark appends tens of thousands
/// of entries a second, and reads are rare snapshots.
/// </summary>
public sealed class MessageLedger
{
    private readonly ConcurrentQueue<LedgerEntry> _entries = new();

    /// <summary>Raised by <see cref="Clear"/>, so per-run state elsewhere (message store, repeatability) is cleared with it.</summary>
    public event Action? Cleared;

    public int Count => _entries.Count;

    public void Add(LedgerEntry entry) => _entries.Enqueue(entry);

    public LedgerEntry[] Snapshot() => _entries.ToArray();

    public void Clear()
    {
        _entries.Clear();
        Cleared?.Invoke();
    }
}
