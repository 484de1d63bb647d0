using System.Collections.Concurrent;

namespace Outbound.Bench.Load;

/// <summary>Every request of one phase, by sequence number; written by many workers at once.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentDictionary<int, RequestRecord> _records = new();
    private readonly ConcurrentQueue<AttemptAnswer> _attempts = new();
    private long _acceptedMessages;

    public long AcceptedMessages => Interlocked.Read(ref _acceptedMessages);

    public IEnumerable<RequestRecord> Records => _records.Values;

    public void Add(RequestRecord record)
    {
        _records[record.Sequence] = record;
        Interlocked.Add(ref _acceptedMessages, record.AcceptedCount);
    }

    public RequestRecord? Find(int sequence) => _records.GetValueOrDefault(sequence);

    /// <summary>Every attempt that was not accepted, as it came back: what a gateway answered, and when.</summary>
    public IEnumerable<AttemptAnswer> Attempts => _attempts;

    public void AddAttempt(AttemptAnswer answer) => _attempts.Enqueue(answer);
}

/// <summary>One attempt of a send request that was not a 202.</summary>
/// <param name="Status">The HTTP status, or 0 when no answer came (a timeout, a broken connection).</param>
/// <param name="RetryAfter">Whether the answer said when to repeat (a 503 of admission control or a busy cluster).</param>
/// <param name="Gateway">Which gateway answered (an index into the load's gateways).</param>
public sealed record AttemptAnswer(DateTimeOffset At, int Sequence, int Status, bool RetryAfter, int Gateway);
