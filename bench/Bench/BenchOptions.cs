using System.Globalization;

namespace Outbound.Bench;

/// <summary>
/// The scenarios: <c>throughput</c> (closed loop, open loop at 80% of it, ceiling), <c>contacts</c>, <c>faults</c>;
/// inbound: <c>conversations</c> (webhooks closed loop, open loop at 80% of it) and <c>agents</c> (many agents and conversations);
/// <c>events</c>: CloudEvents batches through a trigger (closed loop, open loop at 80% of it).
/// </summary>
public static class Scenarios
{
    public const string Throughput = "throughput";
    public const string Contacts = "contacts";
    public const string Faults = "faults";
    public const string Conversations = "conversations";
    public const string Agents = "agents";
    public const string Audience = "audience";
    public const string Events = "events";
    public const string Campaign = "campaign";

    public static readonly IReadOnlyList<string> All = [Throughput, Contacts, Faults, Conversations, Agents, Audience, Events, Campaign];
}

/// <summary>Everything one bench run needs; every field has a command-line switch of the same name in kebab case.</summary>
public sealed record BenchOptions
{
    public string Scenario { get; init; } = Scenarios.Throughput;
    public Uri Gateway { get; init; } = new("http://127.0.0.1:18080");
    public Uri Fake { get; init; } = new("http://127.0.0.1:18090");
    public string AdminKey { get; init; } = "bench-admin-key";

    /// <summary>The fake's Twilio account; the channels are created with it and the ceiling posts with it.</summary>
    public string TwilioAccountSid { get; init; } = "AC00000000000000000000000000000000";
    public string TwilioAuthToken { get; init; } = "dev-twilio-token";

    public int Orgs { get; init; } = 4;
    public int ContactsPerRequest { get; init; } = 100;

    /// <summary>
    /// The configurations show their messages in the customer's timeline (one index entry per message and key). Off by
    /// default, as in the product: the seed advises it off for bulk sends, and 100 contacts per request at an org's
    /// full rate are bulk; on measures event-based sends (<c>./bench.sh timeline</c>).
    /// </summary>
    public bool ShowInTimeline { get; init; }

    /// <summary>Concurrent send requests in the closed-loop phases.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Measured part of each phase, after <see cref="Warmup"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open-loop send requests per second; null: 80% of the closed-loop rate measured just before.</summary>
    public double? Rate { get; init; }

    /// <summary>Concurrent direct provider calls in the ceiling phase; null: orgs × the silo's per-channel cap.</summary>
    public int? CeilingConcurrency { get; init; }

    /// <summary>The silo's SENDER_MAX_CALLS_PER_CHANNEL, for the default ceiling concurrency.</summary>
    public int SenderMaxCallsPerChannel { get; init; } = 16;

    /// <summary>Distinct contacts the <c>contacts</c> scenario sends to.</summary>
    public long DistinctContacts { get; init; } = 1_000_000;

    /// <summary>How long the <c>contacts</c> scenario watches the silo after the load, for idle grains to be collected.</summary>
    public TimeSpan IdleWatch { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Agents over all orgs (at most 1,000 per org's queue); null: 800 (<c>conversations</c>) or 10,000 (<c>agents</c>).</summary>
    public int? Agents { get; init; }

    /// <summary>Each agent's capacity in the <c>conversations</c> scenario; <c>agents</c> takes conversations ÷ agents.</summary>
    public int Capacity { get; init; } = 100;

    /// <summary>Agents per org whose event stream the bench holds open (each needs an API key; an org holds at most 50).</summary>
    public int AgentStreams { get; init; } = 40;

    /// <summary>New conversations the <c>agents</c> scenario opens.</summary>
    public long Conversations { get; init; } = 100_000;

    /// <summary>Rows of the CSV the <c>audience</c> scenario uploads to one campaign.</summary>
    public int AudienceRows { get; init; } = 1_000_000;

    /// <summary>
    /// The <c>campaign</c> scenario sends an audience of this many rows instead, in a campaign of its own (the
    /// upload of <see cref="AudienceRows"/> is still measured); null: it sends the uploaded audience.
    /// </summary>
    public int? CampaignSendRows { get; init; }

    /// <summary>The share of its requests after which the <c>campaign</c> scenario has the silo SIGKILLed; 0: no kill.</summary>
    public double KillAt { get; init; } = 0.4;

    /// <summary>The org's hourly quota in the <c>campaign</c> scenario (the product's default).</summary>
    public int HourlyLimit { get; init; } = 30_000;

    /// <summary>The campaign's share of <see cref="HourlyLimit"/>.</summary>
    public double QuotaShare { get; init; } = 0.8;

    /// <summary>
    /// A folder bench.sh watches: the <c>campaign</c> scenario asks it there to SIGKILL the silo (<c>kill-silo</c>), and
    /// bench.sh answers with <c>killed</c>, <c>ready</c> (Unix times) and <c>silo.pid</c>. Null: no kill.
    /// </summary>
    public string? Control { get; init; }

    /// <summary>The longest the <c>campaign</c> scenario waits for the campaign to end.</summary>
    public TimeSpan CampaignTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The longest it waits, after the kill, for the campaign to send again by itself.</summary>
    public TimeSpan ResumeTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public double FaultRetryable { get; init; } = 0.10;
    public double FaultThrottled { get; init; } = 0.01;

    /// <summary>The longest wait for every accepted message to reach the fake once the load stops.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// A throughput result whose closed loop sets this run's open-loop rate: the open loop then runs alone, on a fresh
    /// stack, and the output holds both. An empty store for both phases makes "80% of the peak" mean the same store.
    /// </summary>
    public string? After { get; init; }

    /// <summary>Which phases the throughput scenario skips (for the smoke test): <c>open-loop</c>, <c>ceiling</c>.</summary>
    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();

    public int? SiloPid { get; init; }
    public int? GatewayPid { get; init; }

    /// <summary>Only for the CPU split (where the machine's time goes), like the bench's own process.</summary>
    public int? FakePid { get; init; }
    public int? AzuritePid { get; init; }
    public int Run { get; init; } = 1;

    /// <summary>Where the JSON result goes; null: nowhere.</summary>
    public string? Out { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            o = name switch
            {
                "--scenario" => o with { Scenario = Value() },
                "--gateway" => o with { Gateway = new Uri(Value()) },
                "--fake" => o with { Fake = new Uri(Value()) },
                "--admin-key" => o with { AdminKey = Value() },
                "--twilio-account-sid" => o with { TwilioAccountSid = Value() },
                "--twilio-auth-token" => o with { TwilioAuthToken = Value() },
                "--orgs" => o with { Orgs = Int(Value()) },
                "--contacts-per-request" => o with { ContactsPerRequest = Int(Value()) },
                "--concurrency" => o with { Concurrency = Int(Value()) },
                "--show-in-timeline" => o with { ShowInTimeline = bool.Parse(Value()) },
                "--duration" => o with { Duration = Seconds(Value()) },
                "--warmup" => o with { Warmup = Seconds(Value()) },
                "--rate" => o with { Rate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--ceiling-concurrency" => o with { CeilingConcurrency = Int(Value()) },
                "--sender-max-calls-per-channel" => o with { SenderMaxCallsPerChannel = Int(Value()) },
                "--contacts" => o with { DistinctContacts = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--idle-watch" => o with { IdleWatch = Seconds(Value()) },
                "--agents" => o with { Agents = Int(Value()) },
                "--capacity" => o with { Capacity = Int(Value()) },
                "--agent-streams" => o with { AgentStreams = Int(Value()) },
                "--conversations" => o with { Conversations = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--rows" => o with { AudienceRows = Int(Value()) },
                "--send-rows" => o with { CampaignSendRows = Int(Value()) },
                "--kill-at" => o with { KillAt = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--hourly-limit" => o with { HourlyLimit = Int(Value()) },
                "--quota-share" => o with { QuotaShare = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--control" => o with { Control = Value() },
                "--campaign-timeout" => o with { CampaignTimeout = Seconds(Value()) },
                "--resume-timeout" => o with { ResumeTimeout = Seconds(Value()) },
                "--fault-retryable" => o with { FaultRetryable = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--fault-throttled" => o with { FaultThrottled = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--drain-timeout" => o with { DrainTimeout = Seconds(Value()) },
                "--skip" => o with { Skip = o.Skip.Union(Value().Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet() },
                "--after" => o with { After = Value() },
                "--silo-pid" => o with { SiloPid = Int(Value()) },
                "--gateway-pid" => o with { GatewayPid = Int(Value()) },
                "--fake-pid" => o with { FakePid = Int(Value()) },
                "--azurite-pid" => o with { AzuritePid = Int(Value()) },
                "--run" => o with { Run = Int(Value()) },
                "--out" => o with { Out = Value() },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        if (!Scenarios.All.Contains(o.Scenario))
        {
            throw new ArgumentException($"Unknown scenario '{o.Scenario}': one of {string.Join(", ", Scenarios.All)}.");
        }

        return o;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
}
