namespace Outbound.Bench.Load;

/// <summary>
/// One send request as the client saw it. <paramref name="AnsweredAt"/> is the wall-clock time the answer came
/// back (for a 202: when the messages were known to be durably accepted); <paramref name="LatencyMs"/> is
/// measured on the monotonic clock, from the scheduled start in open-loop mode.
/// </summary>
/// <param name="Status">The HTTP status, or 0 when the request failed without one.</param>
/// <param name="Accepted">Per contact: whether the answer said <c>accepted</c>.</param>
/// <param name="Tenant">Which org sent it (an index into the tenants), to look a message up later.</param>
/// <param name="BatchId">The batch part of the message ids (<c>{batchId}-{index}</c>), from the answer.</param>
public sealed record RequestRecord(int Sequence, DateTimeOffset AnsweredAt, double LatencyMs, int Status, bool[] Accepted, int Tenant, string? BatchId)
{
    /// <summary>503 answers (admission control, a busy cluster) before this answer; each was waited out and repeated.</summary>
    public int BusyAnswers { get; init; }

    /// <summary>Attempts that ended without an answer (timeout, reset) or with another 5xx, each repeated when the load says so.</summary>
    public int FailedAttempts { get; init; }

    public string? MessageId(int index) => BatchId is null ? null : $"{BatchId}-{index}";

    public int AcceptedCount => Accepted.Count(a => a);
}
