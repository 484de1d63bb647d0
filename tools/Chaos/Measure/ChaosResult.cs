using Outbound.Bench.Measure;
using Outbound.Chaos.Faults;

namespace Outbound.Chaos.Measure;

/// <summary>One chaos run, as written to its JSON file and rendered as markdown.</summary>
public sealed record ChaosResult(
    DateTimeOffset StartedAt,
    string Settings,
    string Machine,
    LoadCounts Load,
    IReadOnlyList<ProviderCounts> Providers,
    IReadOnlyDictionary<string, long> Statuses,
    IReadOnlyDictionary<string, long> FailedCodes,
    IReadOnlyList<MessageSample> LostSample,
    IReadOnlyList<MessageSample> NonFinalSample,
    IReadOnlyList<MessageSample> DuplicatedSample,
    IReadOnlyList<FaultResult> Faults,
    IReadOnlyList<WindowStats> Timeline,
    DrainTimes Drain,
    Verdict Verdict)
{
    public IReadOnlyList<ProcessMemory> Memory { get; init; } = [];

    /// <summary>CPU seconds each process used from the start of the load to the end of the drain.</summary>
    public IReadOnlyDictionary<string, double> CpuSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Where the processes' logs are.</summary>
    public string? Logs { get; init; }

    /// <summary>What every attempt that was not accepted got back from the gateways.</summary>
    public GatewayAnswers? Answers { get; init; }

    /// <summary>The rolling restart's own findings; null when the run had none.</summary>
    public RollingRestartResult? RollingRestart { get; init; }

    public ProviderCounts Total => ProviderCounts.Sum(Providers);
}

/// <summary>The send requests as the integrator saw them.</summary>
/// <param name="RequestsNotAccepted">Requests that never got a 202 before the give-up time (their contacts count as not accepted).</param>
/// <param name="BusyAnswers">503s with Retry-After waited out and repeated.</param>
/// <param name="FailedAttempts">Attempts that timed out, broke off or got another 5xx, each repeated with the same Idempotency-Key.</param>
/// <param name="Unacknowledged">Ledger rows for contacts the client never saw accepted.</param>
/// <param name="FinalAnswers">Final answers other than 202, by HTTP status (0: none).</param>
public sealed record LoadCounts(
    long Requests, long RequestsNotAccepted, long BusyAnswers, long FailedAttempts, long AcceptedMessages, long RejectedContacts,
    long Unacknowledged, IReadOnlyDictionary<string, long> FinalAnswers);

/// <summary>What became of the accepted messages of one provider (by their configuration's channel).</summary>
/// <param name="Reached">Messages with at least one ledger row.</param>
/// <param name="Lost">Accepted, never in the ledger, and not ended in a recorded failure.</param>
/// <param name="DuplicatedMessages">Messages with more than one ledger row.</param>
/// <param name="DuplicateRows">Ledger rows of this provider beyond a message's first.</param>
/// <param name="DuplicatedAmbiguous">Duplicated messages whose status is flagged ambiguous.</param>
/// <param name="RecordedFailures">Never reached the provider and ended <c>failed</c>/<c>unknown</c> with a reason.</param>
/// <param name="ReachedButFailed">Reached the provider, yet their status is <c>failed</c> or <c>unknown</c>.</param>
public sealed record ProviderCounts(
    string Provider, long Accepted, long Reached, long Lost, long DuplicatedMessages, long DuplicateRows, long DuplicatedAmbiguous,
    long Ambiguous, long Failed, long RecordedFailures, long ReachedButFailed, long NonFinal)
{
    public static ProviderCounts Sum(IReadOnlyList<ProviderCounts> rows) => new(
        "all", rows.Sum(r => r.Accepted), rows.Sum(r => r.Reached), rows.Sum(r => r.Lost), rows.Sum(r => r.DuplicatedMessages),
        rows.Sum(r => r.DuplicateRows), rows.Sum(r => r.DuplicatedAmbiguous), rows.Sum(r => r.Ambiguous), rows.Sum(r => r.Failed),
        rows.Sum(r => r.RecordedFailures), rows.Sum(r => r.ReachedButFailed), rows.Sum(r => r.NonFinal));
}

/// <summary>One message, for the samples of lost, not final and duplicated ones.</summary>
public sealed record MessageSample(
    string? MessageId, string Tag, string Provider, int LedgerRows, string Status, string? ErrorCode, string? ErrorMessage, bool Ambiguous, int Attempts);

/// <summary>A fault as it ran, and the system before, during and after it.</summary>
public sealed record FaultResult(FaultRecord Fault, IReadOnlyList<WindowStats> Windows);

/// <summary>
/// A span of the run (seconds since the load started): messages accepted per second (202s answered in it), ledger rows
/// per second (received in it) and the time from a message's 202 to its first ledger row, for messages accepted in it.
/// </summary>
public sealed record WindowStats(string Name, double From, double To, double AcceptedPerSecond, double ProviderPerSecond, Percentiles AcceptToProviderMs);

/// <param name="LedgerSeconds">From the end of the load until the ledger held as many rows as messages were accepted (or stopped growing).</param>
/// <param name="StatusSeconds">From then until every message was final (or the drain timeout).</param>
public sealed record DrainTimes(double LedgerSeconds, double StatusSeconds);

/// <summary>Whether the promise held, and if not, each way it did not.</summary>
public sealed record Verdict(bool Passed, IReadOnlyList<string> Violations);

/// <summary>Activations each live silo hosts at one moment of the run.</summary>
public sealed record ActivationSnapshot(string Name, double AtSeconds, IReadOnlyDictionary<string, SiloActivations> Silos);

/// <param name="Activations">Every grain activation on the silo.</param>
/// <param name="SendBatches">Of which send batches: one per send request, so new ones show where placement puts new work.</param>
public sealed record SiloActivations(long Activations, long SendBatches);

/// <summary>
/// The attempts that did not end in a 202, by what came back: <c>503 (Retry-After)</c>, another status, or
/// <c>no answer</c> (a timeout or a broken connection); and every 5xx with its time and the step it fell in.
/// </summary>
public sealed record GatewayAnswers(IReadOnlyDictionary<string, long> ByAnswer, long ServerErrors, IReadOnlyList<ServerErrorAnswer> ServerErrorSample);

/// <param name="Step">The fault or restart step running when it came back, or "between steps".</param>
public sealed record ServerErrorAnswer(double AtSeconds, int Status, bool RetryAfter, int Gateway, string Step);

/// <param name="DeathDeclaredAfterSeconds">From the SIGKILL to the killed silo's membership entry turning Dead.</param>
/// <param name="SlowestAnswerAroundKillSeconds">The longest a send request answered in the 30 s after the SIGKILL took (its grains were on the killed silo, or not).</param>
/// <param name="UngracefulStops">Silos that did not exit by themselves after SIGTERM within the stop timeout.</param>
public sealed record RollingRestartResult(
    double? EndedAtSeconds, double? DeathDeclaredAfterSeconds, double? SlowestAnswerAroundKillSeconds, int UngracefulStops,
    IReadOnlyList<ActivationSnapshot> Activations, QuotaCheck? Quota, string Membership);

/// <summary>
/// The org's hourly quota across both gateways and every restart: the limit set once the restarts were over, the
/// requests accepted and refused with 429, and what the org's usage said at the end.
/// </summary>
public sealed record QuotaCheck(long Limit, double SetAtSeconds, long AcceptedRequests, long RefusedRequests, long? UsedAtEnd, bool HourTurned)
{
    /// <summary>
    /// The org's grain (the count) was on the SIGKILLed silo: it remembers the batches it counted only in memory, so a
    /// request counted just before the kill and repeated after it is counted twice, and fewer than the limit are accepted.
    /// </summary>
    public bool? OrgGrainKilled { get; init; }
}
