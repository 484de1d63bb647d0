using System.Globalization;
using static System.FormattableString;

namespace Outbound.Chaos;

/// <summary>One scheduled fault: whether it runs, when it starts (seconds after the load starts) and how long it lasts.</summary>
public sealed record FaultPlan(bool Enabled, TimeSpan At, TimeSpan For)
{
    public static FaultPlan Seconds(double at, double @for) => new(true, TimeSpan.FromSeconds(at), TimeSpan.FromSeconds(@for));
}

/// <summary>
/// Everything one chaos run needs. Every property has a command-line switch (see <see cref="Parse"/>); the defaults
/// are the long run (ten minutes of load with every fault at its full length), <see cref="Short"/> the test's.
/// </summary>
public sealed record ChaosOptions
{
    /// <summary>Send requests started per second, whatever the answers do (open loop).</summary>
    public double Rate { get; init; } = 2;

    public int ContactsPerRequest { get; init; } = 100;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>One HTTP attempt of a send; past it the request is repeated with the same Idempotency-Key.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an integrator keeps repeating one request before it gives up (the request then counts as not accepted).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Requests in flight at most (each repeating one counts); past it the schedule slips.</summary>
    public int MaxInFlight { get; init; } = 512;

    /// <summary>A share of provider requests held for <see cref="SlowHold"/>, then accepted (the fake's <c>timeout</c> fault).</summary>
    public FaultPlan Slow { get; init; } = FaultPlan.Seconds(60, 90);

    public double SlowShare { get; init; } = 0.05;

    public TimeSpan SlowHold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every provider request answered 503.</summary>
    public FaultPlan Outage { get; init; } = FaultPlan.Seconds(180, 180);

    /// <summary>Azurite paused (SIGSTOP), then resumed (SIGCONT).</summary>
    public FaultPlan Stall { get; init; } = FaultPlan.Seconds(420, 30);

    /// <summary>A silo SIGKILLed, started again after <see cref="FaultPlan.For"/>.</summary>
    public FaultPlan Crash { get; init; } = FaultPlan.Seconds(500, 5);

    /// <summary>Which silo the crash kills (1-based).</summary>
    public int CrashSilo { get; init; } = 2;

    /// <summary>
    /// A rolling restart from <see cref="FaultPlan.At"/>: each silo in turn gets SIGTERM, exits, is started again and
    /// becomes ready, <see cref="FaultPlan.For"/> apart; then silo <see cref="CrashSilo"/> is SIGKILLed and started
    /// again <see cref="RollingKillFor"/> later. Off unless <c>--scenario rolling-restart</c> or <c>--rolling-restart on</c>.
    /// </summary>
    public FaultPlan RollingRestart { get; init; } = new(false, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

    /// <summary>How long the SIGKILLed silo stays down at the end of the rolling restart.</summary>
    public TimeSpan RollingKillFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After the rolling restart, the load goes on this long (within <see cref="Duration"/>): the quota runs out in it.</summary>
    public TimeSpan RollingTail { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a silo may take to leave the cluster and exit after SIGTERM (then it is SIGKILLed, and the run says so).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The org's hourly request quota is made to run out during the load: once the rolling restart is over, the limit is
    /// set to the requests counted so far plus about half of the load still to come, so some requests end in 429. The
    /// verdict then wants exactly the limit accepted. Off: a quota the load never meets.
    /// </summary>
    public bool QuotaRunsOut { get; init; }

    /// <summary>The fake's FAKE_CALLBACK_DELAY_MS: from a send to its status callback or delivery report, and between those.</summary>
    public TimeSpan CallbackDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public int Silos { get; init; } = 2;

    public int Gateways { get; init; } = 2;

    /// <summary>The silos' RECONCILE_AFTER: messages whose callbacks were lost still become final after it.</summary>
    public TimeSpan ReconcileAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The silos' TRACKING_SWEEP_INTERVAL.</summary>
    public TimeSpan TrackingSweepInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The silos' PROVIDER_TIMEOUT_SECONDS.</summary>
    public int ProviderTimeoutSeconds { get; init; } = 10;

    /// <summary>More silo settings (<c>--silo-env KEY=VALUE</c>), e.g. SEND_BACKLOG_LIMIT.</summary>
    public IReadOnlyDictionary<string, string> SiloEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>After the load: the longest wait for every accepted message to reach a final status.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Between two status sweeps of the messages not yet final.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Twilio messages sent twice, at most this share of the accepted ones (and each flagged ambiguous).</summary>
    public double MaxTwilioDuplicateShare { get; init; } = 0.001;

    public string AdminKey { get; init; } = "chaos-admin-key";

    /// <summary>Azurite's launcher; null: <c>tools/node_modules/.bin/azurite</c> above the runner or the working directory.</summary>
    public string? AzuritePath { get; init; }

    /// <summary>The silo to run; null: the Silo.dll next to the runner.</summary>
    public string? SiloDll { get; init; }

    /// <summary>The processes' logs; null: a new folder in the temp directory.</summary>
    public string? Logs { get; init; }

    /// <summary>Where the runner keeps the pids of its child processes, so a script can stop them if the runner dies.</summary>
    public string? PidsFile { get; init; }

    public string? Out { get; init; }

    public string? Markdown { get; init; }

    /// <summary>A CSV of every accepted message: its id, its tag and what became of it.</summary>
    public string? Messages { get; init; }

    /// <summary>The command line the report gives for reproducing the run.</summary>
    public string Command { get; init; } = "./tools/chaos.sh";

    /// <summary>
    /// The short form (<c>Tests/Reliability/ChaosTests.cs</c>, <c>--short</c>): about 5,000 messages in 50 s and every
    /// fault, shortened: silo 2 killed and back 3 s later, an outage of 20 s, then held requests (12 s) longer than the
    /// provider timeout (5 s), then Azurite paused 10 s; reconciliation after 30 s. The crash and the outage come first:
    /// a crashed silo's batches come back with their reminder (a minute), and messages the outage failed several times
    /// wait out backoffs of up to a minute, both of which the drain would otherwise wait for after the load.
    /// </summary>
    public static ChaosOptions Short { get; } = new()
    {
        Rate = 1,
        Duration = TimeSpan.FromSeconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        GiveUpAfter = TimeSpan.FromSeconds(90),
        Crash = FaultPlan.Seconds(2, 3),
        Outage = FaultPlan.Seconds(6, 20),
        Slow = FaultPlan.Seconds(26, 12),
        SlowHold = TimeSpan.FromSeconds(12),
        Stall = FaultPlan.Seconds(39, 10),
        ProviderTimeoutSeconds = 5,
        ReconcileAfter = TimeSpan.FromSeconds(30),
        TrackingSweepInterval = TimeSpan.FromSeconds(5),
        DrainTimeout = TimeSpan.FromSeconds(100),
    };

    /// <summary>
    /// <c>--scenario rolling-restart</c>: three silos and two gateways, no provider or storage fault; while the load runs
    /// each silo in turn is stopped with SIGTERM and started again, then silo 2 is SIGKILLed and started again, and the
    /// org's quota runs out near the end. Sized to end about a minute after the rolling restart on a busy 2-core machine.
    /// </summary>
    public static ChaosOptions RollingRestartScenario { get; } = new()
    {
        Silos = 3,
        Gateways = 2,
        Rate = 2,
        ContactsPerRequest = 50,
        Duration = TimeSpan.FromSeconds(600),
        AttemptTimeout = TimeSpan.FromSeconds(15),
        GiveUpAfter = TimeSpan.FromSeconds(120),
        Slow = new(false, TimeSpan.Zero, TimeSpan.Zero),
        Outage = new(false, TimeSpan.Zero, TimeSpan.Zero),
        Stall = new(false, TimeSpan.Zero, TimeSpan.Zero),
        Crash = new(false, TimeSpan.Zero, TimeSpan.Zero),
        RollingRestart = FaultPlan.Seconds(15, 15),
        RollingKillFor = TimeSpan.FromSeconds(5),
        QuotaRunsOut = true,
        ReconcileAfter = TimeSpan.FromSeconds(60),
        TrackingSweepInterval = TimeSpan.FromSeconds(5),
        DrainTimeout = TimeSpan.FromSeconds(180),
    };

    /// <summary>The rolling restart's short form (<c>Tests/Reliability/RollingRestartTests.cs</c>, <c>--scenario rolling-restart --short</c>): steps 5 s apart.</summary>
    public static ChaosOptions RollingRestartShort { get; } = RollingRestartScenario with
    {
        ContactsPerRequest = 20,
        Duration = TimeSpan.FromSeconds(240),
        RollingRestart = FaultPlan.Seconds(5, 5),
        RollingKillFor = TimeSpan.FromSeconds(3),
        RollingTail = TimeSpan.FromSeconds(20),
        GiveUpAfter = TimeSpan.FromSeconds(90),
        DrainTimeout = TimeSpan.FromSeconds(120),
    };

    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        var rolling = args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault() switch
        {
            null or "faults" => false,
            "rolling-restart" => true,
            var other => throw new ArgumentException($"--scenario is faults or rolling-restart, not '{other}'."),
        };
        var o = (rolling, args.Contains("--short")) switch
        {
            (true, true) => RollingRestartShort,
            (true, false) => RollingRestartScenario,
            (false, true) => Short,
            _ => new ChaosOptions(),
        };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            o = name switch
            {
                "--short" => o,
                "--scenario" => Skip(Value(), o),
                "--rolling-restart" => o with { RollingRestart = o.RollingRestart with { Enabled = OnOff(name, Value()) } },
                "--rolling-restart-at" => o with { RollingRestart = o.RollingRestart with { At = Seconds(Value()) } },
                "--rolling-restart-pause" => o with { RollingRestart = o.RollingRestart with { For = Seconds(Value()) } },
                "--rolling-kill-for" => o with { RollingKillFor = Seconds(Value()) },
                "--rolling-tail" => o with { RollingTail = Seconds(Value()) },
                "--stop-timeout" => o with { StopTimeout = Seconds(Value()) },
                "--quota-runs-out" => o with { QuotaRunsOut = OnOff(name, Value()) },
                "--rate" => o with { Rate = Number(Value()) },
                "--contacts-per-request" => o with { ContactsPerRequest = Int(Value()) },
                "--duration" => o with { Duration = Seconds(Value()) },
                "--attempt-timeout" => o with { AttemptTimeout = Seconds(Value()) },
                "--give-up-after" => o with { GiveUpAfter = Seconds(Value()) },
                "--max-in-flight" => o with { MaxInFlight = Int(Value()) },
                "--slow" => o with { Slow = o.Slow with { Enabled = OnOff(name, Value()) } },
                "--slow-at" => o with { Slow = o.Slow with { At = Seconds(Value()) } },
                "--slow-for" => o with { Slow = o.Slow with { For = Seconds(Value()) } },
                "--slow-share" => o with { SlowShare = Number(Value()) },
                "--slow-hold" => o with { SlowHold = Seconds(Value()) },
                "--outage" => o with { Outage = o.Outage with { Enabled = OnOff(name, Value()) } },
                "--outage-at" => o with { Outage = o.Outage with { At = Seconds(Value()) } },
                "--outage-for" => o with { Outage = o.Outage with { For = Seconds(Value()) } },
                "--stall" => o with { Stall = o.Stall with { Enabled = OnOff(name, Value()) } },
                "--stall-at" => o with { Stall = o.Stall with { At = Seconds(Value()) } },
                "--stall-for" => o with { Stall = o.Stall with { For = Seconds(Value()) } },
                "--crash" => o with { Crash = o.Crash with { Enabled = OnOff(name, Value()) } },
                "--crash-at" => o with { Crash = o.Crash with { At = Seconds(Value()) } },
                "--crash-for" => o with { Crash = o.Crash with { For = Seconds(Value()) } },
                "--crash-silo" => o with { CrashSilo = Int(Value()) },
                "--callback-delay" => o with { CallbackDelay = Seconds(Value()) },
                "--silos" => o with { Silos = Int(Value()) },
                "--gateways" => o with { Gateways = Int(Value()) },
                "--reconcile-after" => o with { ReconcileAfter = Seconds(Value()) },
                "--tracking-sweep-interval" => o with { TrackingSweepInterval = Seconds(Value()) },
                "--provider-timeout" => o with { ProviderTimeoutSeconds = Int(Value()) },
                "--silo-env" => o with { SiloEnvironment = WithSetting(o.SiloEnvironment, Value()) },
                "--drain-timeout" => o with { DrainTimeout = Seconds(Value()) },
                "--sweep-interval" => o with { SweepInterval = Seconds(Value()) },
                "--max-twilio-duplicate-share" => o with { MaxTwilioDuplicateShare = Number(Value()) },
                "--admin-key" => o with { AdminKey = Value() },
                "--azurite" => o with { AzuritePath = Value() },
                "--silo-dll" => o with { SiloDll = Value() },
                "--logs" => o with { Logs = Value() },
                "--pids-file" => o with { PidsFile = Value() },
                "--out" => o with { Out = Value() },
                "--markdown" => o with { Markdown = Value() },
                "--command" => o with { Command = Value() },
                "--messages" => o with { Messages = Value() },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        return o.Validate();
    }

    /// <summary>Settings a run cannot work with, refused before anything starts.</summary>
    public ChaosOptions Validate()
    {
        if (Silos < 1 || Gateways < 1 || Rate <= 0 || ContactsPerRequest is < 1 or > 100)
        {
            throw new ArgumentException("--silos and --gateways are at least 1, --rate above 0, --contacts-per-request 1 to 100.");
        }

        if ((Crash.Enabled || RollingRestart.Enabled) && (CrashSilo < 1 || CrashSilo > Silos))
        {
            throw new ArgumentException($"--crash-silo names one of the {Silos} silos (1-based).");
        }

        if (RollingRestart.Enabled && Silos < 2)
        {
            throw new ArgumentException("A rolling restart needs at least 2 silos: one must stay up while another restarts.");
        }

        foreach (var (name, plan) in new[] { ("slow", Slow), ("outage", Outage), ("stall", Stall), ("crash", Crash), ("rolling-restart", RollingRestart) })
        {
            // A fault after the load would break an idle system: it would judge nothing the fault could harm.
            if (plan.Enabled && plan.At >= Duration)
            {
                throw new ArgumentException(
                    $"The {name} fault starts at {plan.At.TotalSeconds:0.#} s, after the load ({Duration.TotalSeconds:0.#} s): move it with --{name}-at or turn it off with --{name} off.");
            }
        }

        if (Slow.Enabled && SlowShare is <= 0 or > 1)
        {
            throw new ArgumentException("--slow-share is a share of provider requests above 0, at most 1.");
        }

        return this;
    }

    /// <summary>One line for the report: the knobs that change what a run does.</summary>
    public string Describe()
    {
        static string Plan(string name, FaultPlan p) => p.Enabled ? Invariant($"{name} {p.At.TotalSeconds:0.#}+{p.For.TotalSeconds:0.#}s") : $"{name} off";
        return Invariant($"rate={Rate:0.##} req/s × {ContactsPerRequest} contacts, duration={Duration.TotalSeconds:0}s, silos={Silos}, gateways={Gateways}; ")
            + $"{Plan("slow", Slow)} ({SlowShare.ToString("P0", CultureInfo.InvariantCulture)} held {SlowHold.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s), "
            + $"{Plan("outage", Outage)}, {Plan("stall", Stall)}, {Plan("crash", Crash)}{(Crash.Enabled ? $" (silo {CrashSilo})" : "")}"
            + (RollingRestart.Enabled
                ? Invariant($", rolling restart from {RollingRestart.At.TotalSeconds:0.#}s, steps {RollingRestart.For.TotalSeconds:0.#}s apart, then silo {CrashSilo} SIGKILLed for {RollingKillFor.TotalSeconds:0.#}s")
                : "")
            + (QuotaRunsOut ? ", the hourly quota runs out during the load" : "") + "; "
            + Invariant($"PROVIDER_TIMEOUT_SECONDS={ProviderTimeoutSeconds}, RECONCILE_AFTER={ReconcileAfter:c}, TRACKING_SWEEP_INTERVAL={TrackingSweepInterval:c}, ")
            + Invariant($"callbacks after {CallbackDelay.TotalMilliseconds:0} ms")
            + string.Concat(SiloEnvironment.Select(e => $", {e.Key}={e.Value}"));
    }

    /// <summary>The scenario picked the starting values already (in <see cref="Parse"/>); here its value is only stepped over.</summary>
    private static ChaosOptions Skip(string _, ChaosOptions options) => options;

    private static bool OnOff(string name, string value) => value switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => throw new ArgumentException($"{name} is on or off."),
    };

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string pair)
    {
        var equals = pair.IndexOf('=');
        if (equals <= 0)
        {
            throw new ArgumentException($"--silo-env takes KEY=VALUE, not '{pair}'.");
        }

        return new Dictionary<string, string>(settings) { [pair[..equals]] = pair[(equals + 1)..] };
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(Number(value));
}
