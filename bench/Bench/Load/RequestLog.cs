using System.Collections.Concurrent;

namespace Outbound.Bench.Load;

/// <summary>Every request of one phase, by sequence number; written by many workers at once.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentDictionary<int, RequestRecord> _records = new();
    private long _acceptedMessages;

    public long AcceptedMessages => Interlocked.Read(ref _acceptedMessages);

    public IEnumerable<RequestRecord> Records => _records.Values;

    public void Add(RequestRecord record)
    {
        _records[record.Sequence] = record;
        Interlocked.Add(ref _acceptedMessages, record.AcceptedCount);
    }

    public RequestRecord? Find(int sequence) => _records.GetValueOrDefault(sequence);
}
