namespace Outbound.Bench.Measure;

/// <summary>One run of one scenario, as written to its JSON file and read back by the report.</summary>
public sealed record ScenarioResult(
    string Scenario,
    int Run,
    DateTimeOffset StartedAt,
    string Settings,
    IReadOnlyList<PhaseResult> Phases,
    IReadOnlyList<ProcessMemory> Memory,
    IReadOnlyList<MemorySample> Timeline)
{
    /// <summary>The configurations showed their messages in the timeline (event-based sends rather than bulk).</summary>
    public bool ShowInTimeline { get; init; }

    /// <summary>The inbound phases of the <c>conversations</c> and <c>agents</c> scenarios; null for the send path's.</summary>
    public Conversations.ConversationsResult? Conversations { get; init; }

    /// <summary>The upload of the <c>audience</c> scenario; null for the others.</summary>
    public Campaigns.AudienceResult? Audience { get; init; }

    /// <summary>The campaign of the <c>campaign</c> scenario; null for the others.</summary>
    public Campaigns.CampaignResult? Campaign { get; init; }

    public PhaseResult? Phase(string name) => Phases.FirstOrDefault(p => p.Name == name);

    /// <summary>Every accepted message reached the provider exactly once, in every end-to-end phase.</summary>
    public bool Clean => Phases.Where(p => p.Name != PhaseNames.Ceiling).All(p => p.Lost == 0 && p.Duplicated == 0)
        && (Conversations?.Phases.All(p => p.Check.Clean) ?? true)
        && (Campaign?.Clean ?? true);
}

public static class PhaseNames
{
    public const string Closed = "closed-loop";
    public const string Open = "open-loop";
    public const string Ceiling = "ceiling";
    public const string Contacts = "contacts";
    public const string Faults = "faults";
    public const string Fill = "fill";
}

/// <summary>
/// One load phase. Rates are over the steady window (after the warm-up, until the load stops): accepted
/// messages whose 202 came back in it, and ledger rows the fake received in it.
/// </summary>
/// <param name="Load">How the load was made, e.g. "closed loop, 16 in flight".</param>
/// <param name="Unacknowledged">Ledger rows of this phase for contacts the client never saw accepted (e.g. a request that timed out client-side).</param>
/// <param name="Statuses">Answers other than 202, by HTTP status (0: no answer).</param>
public sealed record PhaseResult(
    string Name,
    string Load,
    double SteadySeconds,
    long Requests,
    long AcceptedMessages,
    long RejectedContacts,
    double RequestsPerSecond,
    double AcceptedPerSecond,
    double ProviderPerSecond,
    Percentiles SendLatencyMs,
    Percentiles AcceptToProviderMs,
    long Lost,
    long Duplicated,
    long Unacknowledged,
    double DrainSeconds,
    IReadOnlyDictionary<string, long> Statuses)
{
    /// <summary>CPU milliseconds each process spent per 1,000 messages, from the start of the load to the end of the drain.</summary>
    public IReadOnlyDictionary<string, double> CpuMsPerThousand { get; init; } = new Dictionary<string, double>();

    /// <summary>For a sample of the lost messages: their status and error code as <c>GET /v1/messages/{id}</c> tells, counted.</summary>
    public IReadOnlyDictionary<string, long> LostStatuses { get; init; } = new Dictionary<string, long>();

    /// <summary>503 answers (admission control) that requests waited out and repeated before their final answer.</summary>
    public long BusyAnswers { get; init; }

    /// <summary>
    /// The ledger row's receive time minus the request's start (in the open loop its scheduled start), for the messages
    /// of requests answered in the window. For the events scenario: event → provider call, the ingest included.
    /// </summary>
    public Percentiles? StartToProviderMs { get; init; }

    /// <summary>Send requests the org's quota counted during the phase (events scenario: what the events were batched into); null if not read.</summary>
    public long? SendRequests { get; init; }

    /// <summary>The rate the system keeps up with: what is accepted must also reach the provider.</summary>
    public double SustainedPerSecond => Math.Min(AcceptedPerSecond, ProviderPerSecond);
}

public sealed record ProcessMemory(string Process, int Pid, double PeakRssMiB, double EndRssMiB);

public sealed record MemorySample(double AtSeconds, string Process, double RssMiB, long MessagesAccepted);
