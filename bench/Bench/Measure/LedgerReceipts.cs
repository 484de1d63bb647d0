using Outbound.Bench.Load;

namespace Outbound.Bench.Measure;

/// <summary>
/// The fake's ledger rows of one phase, matched by the tag in each body to the accepted messages they carry: how many
/// rows each message has and when the first came. The ledger is streamed once, so a million rows cost a count and a
/// time per message, not a document.
/// </summary>
public sealed class LedgerReceipts
{
    private readonly Dictionary<int, Receipt[]> _bySequence = [];

    private LedgerReceipts()
    {
    }

    /// <summary>Rows of the phase for contacts the client never saw accepted (e.g. a request that timed out client-side).</summary>
    public long Unacknowledged { get; private set; }

    /// <param name="onRow">
    /// Called for every row of the phase, oldest first: the row, the request and contact index it names (null when the
    /// client never saw that contact accepted) and how many rows of the same message came before it.
    /// </param>
    public static async Task<LedgerReceipts> ReadAsync(
        char phase, RequestLog requests, FakeControl fake, Action<LedgerRow, RequestRecord?, int, int>? onRow, CancellationToken cancellationToken)
    {
        var receipts = new LedgerReceipts();
        foreach (var r in requests.Records)
        {
            receipts._bySequence[r.Sequence] = new Receipt[r.Accepted.Length];
        }

        await foreach (var row in fake.ReadLedgerAsync(cancellationToken))
        {
            if (!MessageTags.TryParse(row.Body, out var p, out var sequence, out var index) || p != phase)
            {
                continue;
            }

            if (requests.Find(sequence) is not { } request || index >= request.Accepted.Length || !request.Accepted[index])
            {
                receipts.Unacknowledged++;
                onRow?.Invoke(row, null, index, 0);
                continue;
            }

            ref var receipt = ref receipts._bySequence[sequence][index];
            onRow?.Invoke(row, request, index, receipt.Count);
            if (receipt.Count++ == 0)
            {
                receipt.FirstAt = row.ReceivedAt;
            }
        }

        return receipts;
    }

    /// <summary>How many ledger rows carry this message.</summary>
    public int Count(RequestRecord request, int index) => _bySequence[request.Sequence][index].Count;

    /// <summary>When the fake received the message first; null when it never did.</summary>
    public DateTimeOffset? FirstAt(RequestRecord request, int index) =>
        _bySequence[request.Sequence][index] is { Count: > 0 } receipt ? receipt.FirstAt : null;

    private struct Receipt
    {
        public int Count;
        public DateTimeOffset FirstAt;
    }
}
