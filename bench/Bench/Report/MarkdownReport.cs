using System.Globalization;
using System.Text;
using System.Text.Json;
using Outbound.Bench.Measure;

namespace Outbound.Bench.Report;

/// <summary>Turns the JSON results of one or more runs into docs/benchmarks.md: per-run rows and their median.</summary>
public static class MarkdownReport
{
    /// <summary>Where the hand-written part of docs/benchmarks.md starts; a new report keeps everything from it on.</summary>
    public const string AnalysisMarker = "<!-- analysis: written by hand, kept by the report -->";

    private const double TargetMessagesPerSecond = 4_200;
    private const double TargetCeilingShare = 0.5;
    private const double TargetP99Ms = 100;
    private const double TargetSiloRssMiB = 1_536;
    private const double TargetInboundPerSecond = 1_500;
    private const double TargetAssignedP99Ms = 100;
    private const double TargetAgentsSiloRssMiB = 1_024;
    private const double TargetAudienceRowsPerSecond = 50_000;
    private const double TargetEventsPerSecond = 5_000;
    private const double TargetEventToProviderP99Ms = 2_000;

    public static string Render(IReadOnlyList<ScenarioResult> results, string command, string machine, DateTimeOffset at, string? note = null)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks (issue #6)");
        md.AppendLine();
        if (!string.IsNullOrWhiteSpace(note))
        {
            md.AppendLine($"> {note}");
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Written by `bench/` on {at:yyyy-MM-dd HH:mm} UTC. Reproduce with:");
        md.AppendLine();
        md.AppendLine("```bash");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. One silo, one gateway, the provider fake, Azurite and the load generator all share it.");
        md.AppendLine();
        md.AppendLine("How to read it: *accepted* is messages in 202 answers per second, *provider* is messages the provider fake " +
            "received per second (its ledger), both over the steady window (warm-up excluded); *sustained* is the lower of the two. " +
            "*Send latency* is the HTTP send request (100 contacts) until its 202, including any 503 + Retry-After waited out and " +
            "repeated (admission control; counted as *busy*). The *80%* open loop runs on a fresh stack, as the closed loop did. " +
            "*Accept → provider* is the ledger's receive time " +
            "minus the time the 202 came back. *Lost* = accepted messages never in the ledger, *duplicated* = extra ledger rows of " +
            "one message, both counted after the drain. The *ceiling* is this load generator posting the same Twilio form " +
            "requests straight to the fake with the same HTTP client stack. Details: [bench/README.md](../bench/README.md).");
        md.AppendLine();

        var throughput = results.Where(r => r.Scenario == Scenarios.Throughput).OrderBy(r => r.Run).ToList();
        Throughput(md, "Scenario 1: throughput, latency and the ceiling (bulk sends)", [.. throughput.Where(r => !r.ShowInTimeline)]);
        Throughput(md, "Scenario 1b: the same with show in timeline on (event-based sends)", [.. throughput.Where(r => r.ShowInTimeline)]);
        Contacts(md, [.. results.Where(r => r.Scenario == Scenarios.Contacts).OrderBy(r => r.Run)]);
        Faults(md, [.. results.Where(r => r.Scenario == Scenarios.Faults).OrderBy(r => r.Run)]);
        Conversations(md, [.. results.Where(r => r.Scenario == Scenarios.Conversations && r.Conversations is not null).OrderBy(r => r.Run)]);
        Agents(md, [.. results.Where(r => r.Scenario == Scenarios.Agents && r.Conversations is not null).OrderBy(r => r.Run)]);
        Audience(md, [.. results.Where(r => r.Scenario == Scenarios.Audience && r.Audience is not null).OrderBy(r => r.Run)]);
        Events(md, [.. results.Where(r => r.Scenario == Scenarios.Events).OrderBy(r => r.Run)]);
        Campaign(md, [.. results.Where(r => r.Scenario == Scenarios.Campaign && r.Campaign is not null).OrderBy(r => r.Run)]);
        return md.ToString();
    }

    /// <summary>
    /// Writes <paramref name="markdown"/> to <paramref name="path"/>, keeping the hand-written analysis of the file
    /// there (everything from <see cref="AnalysisMarker"/> on), so a new run replaces only the numbers.
    /// </summary>
    public static async Task WriteKeepingAnalysisAsync(string path, string markdown, CancellationToken cancellationToken)
    {
        var previous = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        var analysis = previous.IndexOf(AnalysisMarker, StringComparison.Ordinal) is var at and >= 0 ? previous[at..] : "";
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, analysis.Length > 0 ? markdown.TrimEnd() + "\n\n" + analysis : markdown, cancellationToken);
    }

    public static IReadOnlyList<ScenarioResult> Load(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Select(f => JsonSerializer.Deserialize<ScenarioResult>(File.ReadAllText(f), BenchRunner.Json))
            .OfType<ScenarioResult>()];

    private static void Throughput(StringBuilder md, string title, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine($"## {title}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {runs[0].Settings}.");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var closed = r.Phase(PhaseNames.Closed)!;
            var open = r.Phase(PhaseNames.Open);
            var ceiling = r.Phase(PhaseNames.Ceiling);
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                closed.AcceptedPerSecond, closed.ProviderPerSecond, ceiling?.ProviderPerSecond ?? double.NaN,
                ceiling is null ? double.NaN : 100 * closed.SustainedPerSecond / ceiling.ProviderPerSecond,
                closed.SendLatencyMs.P50, closed.SendLatencyMs.P95, closed.SendLatencyMs.P99,
                closed.AcceptToProviderMs.P50, closed.AcceptToProviderMs.P99,
                open?.ProviderPerSecond ?? double.NaN, open?.SendLatencyMs.P50 ?? double.NaN, open?.SendLatencyMs.P99 ?? double.NaN,
                open?.AcceptToProviderMs.P99 ?? double.NaN,
                Peak(r, "silo"), Peak(r, "gateway"),
                r.Phases.Where(p => p.Name != PhaseNames.Ceiling).Sum(p => p.Lost),
                r.Phases.Where(p => p.Name != PhaseNames.Ceiling).Sum(p => p.Duplicated),
                closed.BusyAnswers, open?.BusyAnswers ?? double.NaN,
            });
        }).ToList();
        Table(md,
            ["run", "accepted msg/s", "provider msg/s", "ceiling msg/s", "sustained / ceiling %", "send p50 ms", "send p95 ms", "send p99 ms",
             "accept→provider p50 ms", "accept→provider p99 ms", "80% load: msg/s", "80%: send p50 ms", "80%: send p99 ms", "80%: accept→provider p99 ms",
             "peak RSS silo MiB", "peak RSS gateway MiB", "lost", "duplicated", "503 busy: closed loop", "503 busy: 80%"],
            rows);

        var median = Median(rows);
        md.AppendLine("Against the targets (median of the runs):");
        md.AppendLine();
        var sustained = Math.Min(median[0], median[1]);
        md.AppendLine(Check($"sustained end-to-end ≥ {TargetMessagesPerSecond:N0} msg/s", $"{sustained:N0}", sustained >= TargetMessagesPerSecond));
        md.AppendLine(Check($"≥ {TargetCeilingShare * 100:F0}% of the ceiling", $"{median[3]:F0}%", median[3] >= TargetCeilingShare * 100));
        md.AppendLine(Check($"send p99 ≤ {TargetP99Ms} ms at 80% of the peak rate", $"{median[11]:F0} ms", median[11] <= TargetP99Ms));
        md.AppendLine(Check("0 lost, 0 duplicated", $"{median[15]:F0} / {median[16]:F0}", runs.All(r => r.Clean)));
        md.AppendLine();
        CpuSplit(md, runs, [PhaseNames.Closed, PhaseNames.Open, PhaseNames.Ceiling]);
    }

    /// <summary>Where the machine's CPU went, per process and 1,000 messages: what bounds the rate on a box this small.</summary>
    private static void CpuSplit(StringBuilder md, List<ScenarioResult> runs, string[] phases, string unit = "messages")
    {
        string[] processes = ["silo", "gateway", "fake", "azurite", "bench"];
        md.AppendLine($"CPU milliseconds per 1,000 {unit} (from the start of the load to the end of the drain; median of the runs). " +
            $"The sum bounds the rate: 2 cores give 2,000,000 ms of CPU per 1,000 s, so a sum of S ms allows at most 2,000,000 / S {unit}/s.");
        md.AppendLine();
        md.AppendLine("| phase | " + string.Join(" | ", processes) + $" | sum | bound {(unit == "messages" ? "msg" : unit)}/s |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", processes.Length + 2)));
        foreach (var phase in phases)
        {
            var perRun = runs.Select(r => r.Phase(phase)).OfType<PhaseResult>().Where(p => p.CpuMsPerThousand.Count > 0).ToList();
            if (perRun.Count == 0)
            {
                continue;
            }

            var values = processes.Select(p => MedianOf(perRun.Select(r => r.CpuMsPerThousand.GetValueOrDefault(p, double.NaN)))).ToList();
            var sum = values.Where(v => !double.IsNaN(v)).Sum();
            md.AppendLine($"| {phase} | " + string.Join(" | ", values.Select(Format)) + $" | {Format(sum)} | {Format(2_000_000 / sum)} |");
        }

        md.AppendLine();
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var column = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return column.Count == 0 ? double.NaN
            : column.Count % 2 == 1 ? column[column.Count / 2]
            : (column[(column.Count / 2) - 1] + column[column.Count / 2]) / 2;
    }

    private static void Contacts(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Scenario 2: many distinct contacts, silo memory");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {runs[0].Settings}.");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var phase = r.Phase(PhaseNames.Contacts)!;
            var silo = r.Memory.FirstOrDefault(m => m.Process == "silo");
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                phase.AcceptedMessages, phase.AcceptedPerSecond, phase.ProviderPerSecond,
                silo?.PeakRssMiB ?? double.NaN, silo?.EndRssMiB ?? double.NaN, phase.Lost, phase.Duplicated,
            });
        }).ToList();
        Table(md, ["run", "distinct contacts accepted", "accepted msg/s", "provider msg/s", "peak RSS silo MiB", "silo RSS at the end MiB", "lost", "duplicated"], rows);
        var median = Median(rows);
        md.AppendLine(Check($"silo RSS ≤ {TargetSiloRssMiB / 1024:F1} GiB after {median[0]:N0} distinct contacts (peak)", $"{median[3]:N0} MiB", median[3] <= TargetSiloRssMiB));
        md.AppendLine();
        CpuSplit(md, runs, [PhaseNames.Contacts]);

        md.AppendLine(CultureInfo.InvariantCulture, $"Silo RSS over time (run {runs[0].Run}): the load stops when every contact was sent to; the end of the series is the idle watch.");
        md.AppendLine();
        md.AppendLine("| seconds | messages accepted | silo RSS MiB |");
        md.AppendLine("|---:|---:|---:|");
        var silo = runs[0].Timeline.Where(s => s.Process == "silo").ToList();
        var step = Math.Max(1, silo.Count / 20);
        for (var i = 0; i < silo.Count; i += step)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {silo[i].AtSeconds:F0} | {silo[i].MessagesAccepted:N0} | {silo[i].RssMiB:N0} |");
        }

        if (silo.Count > 0 && (silo.Count - 1) % step != 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {silo[^1].AtSeconds:F0} | {silo[^1].MessagesAccepted:N0} | {silo[^1].RssMiB:N0} |");
        }

        md.AppendLine();
    }

    private static void Faults(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Scenario 3: provider faults (retryable 5xx and 429s)");
        md.AppendLine();
        md.AppendLine($"Settings: {runs[0].Settings}. The fake answers that share of sends with a Twilio 503 (20503) " +
            "or a 429 (20429, Retry-After 1 s); neither is in its ledger, so every accepted message must still arrive exactly once.");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var p = r.Phase(PhaseNames.Faults)!;
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                p.AcceptedPerSecond, p.ProviderPerSecond, p.SendLatencyMs.P99, p.AcceptToProviderMs.P50, p.AcceptToProviderMs.P99,
                p.DrainSeconds, p.Lost, p.Duplicated, Peak(r, "silo"),
            });
        }).ToList();
        Table(md, ["run", "accepted msg/s", "provider msg/s", "send p99 ms", "accept→provider p50 ms", "accept→provider p99 ms", "drain s", "lost", "duplicated", "peak RSS silo MiB"], rows);
        md.AppendLine(Check("0 lost, 0 duplicated", $"{rows.Sum(r => r.Item2[6]):F0} / {rows.Sum(r => r.Item2[7]):F0}", runs.All(r => r.Clean)));
        foreach (var run in runs.Where(r => r.Phase(PhaseNames.Faults)!.LostStatuses.Count > 0))
        {
            md.AppendLine($"- run {run.Run}: a sample of the lost messages, as `GET /v1/messages/{{id}}` shows them: " +
                string.Join(", ", run.Phase(PhaseNames.Faults)!.LostStatuses.Select(s => $"{s.Value}× `{s.Key}`")));
        }

        md.AppendLine();
        CpuSplit(md, runs, [PhaseNames.Faults]);
    }

    private static void Conversations(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Inbound: customers' webhooks routed and assigned to agents");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {runs[0].Settings}. Each webhook is a signed Twilio form POST from a new customer (a new conversation: contact, conversation, queue, agent). The open loop runs on a fresh stack; *webhook → assigned* is measured on the agents whose event stream was open.");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var c = r.Conversations!;
            var closed = c.Phases.FirstOrDefault(p => p.Name == PhaseNames.Closed);
            var open = c.Phases.FirstOrDefault(p => p.Name == PhaseNames.Open);
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                closed?.AnsweredPerSecond ?? double.NaN, closed?.WebhookLatencyMs.P50 ?? double.NaN, closed?.WebhookLatencyMs.P99 ?? double.NaN,
                open?.AnsweredPerSecond ?? double.NaN, open?.WebhookLatencyMs.P99 ?? double.NaN,
                open?.AssignedLatencyMs.P50 ?? double.NaN, open?.AssignedLatencyMs.P99 ?? double.NaN, open?.AssignedLatencyMs.Count ?? double.NaN,
                c.Phases.Sum(p => p.Statuses.Values.Sum()),
            });
        }).ToList();
        Table(md, ["run", "closed: answered/s", "webhook p50 ms", "webhook p99 ms", "open (80%): answered/s", "webhook p99 ms", "webhook → assigned p50 ms", "p99 ms", "n", "non-200"], rows);
        var median = Median(rows);
        md.AppendLine(Check($"≥ {TargetInboundPerSecond:N0} inbound messages/s with routing and assignment", $"{median[0]:N0}/s", median[0] >= TargetInboundPerSecond));
        md.AppendLine(Check($"p99 webhook → assigned ≤ {TargetAssignedP99Ms:F0} ms at 80% load", $"{median[6]:N0} ms", median[6] <= TargetAssignedP99Ms));
        md.AppendLine();
        AssignmentChecks(md, runs);
    }

    private static void Audience(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Campaigns: an audience uploaded, checked and stored");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {runs[0].Settings}. One `PUT /v1/campaigns/{{id}}/audience` of a CSV generated as it is sent; the time runs from the first byte to the 200, after every row was checked and the part blobs and the row-error report were written to Azurite.");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var a = r.Audience!;
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                a.Rows, a.Valid, a.Invalid, a.BodyMiB, a.Seconds, a.RowsPerSecond,
                r.Memory.FirstOrDefault(m => m.Process == "gateway")?.PeakRssMiB ?? double.NaN,
                r.Memory.FirstOrDefault(m => m.Process == "silo")?.PeakRssMiB ?? double.NaN,
            });
        }).ToList();
        Table(md, ["run", "rows", "valid", "invalid", "body MiB", "seconds", "rows/s", "gateway peak RSS MiB", "silo peak RSS MiB"], rows);
        var median = Median(rows);
        md.AppendLine(Check($"≥ {TargetAudienceRowsPerSecond:N0} rows/s uploaded and checked", $"{median[5]:N0} rows/s", median[5] >= TargetAudienceRowsPerSecond));
        md.AppendLine(Check($"silo < {TargetSiloRssMiB / 1024:F1} GiB RSS", $"{median[7]:N0} MiB", median[7] < TargetSiloRssMiB));
        md.AppendLine();
    }

    private static void Campaign(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Campaigns: upload, send, a silo SIGKILLed mid-campaign");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {runs[0].Settings}. The upload as in the audience scenario; the campaign then sends every valid contact in requests of 100 while the silo is SIGKILLed and started again; the ledger check counts each number; the hours come from `GET /v1/reports/outbound?interval=hour` with and without `campaignId` (messages ÷ 100, rounded up, per hour the requests were accepted in).");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var c = r.Campaign!;
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                c.Upload.Rows, c.Upload.RowsPerSecond, c.Contacts, c.ContactsPerSecondBeforeKill, c.ContactsPerSecond,
                c.KilledAtRequest ?? double.NaN, c.SiloReadySeconds ?? double.NaN, c.ResumeSeconds ?? double.NaN, c.Lost, c.Duplicated,
                c.Hours.Count, r.Memory.FirstOrDefault(m => m.Process == "gateway")?.PeakRssMiB ?? double.NaN,
                r.Memory.FirstOrDefault(m => m.Process == "silo")?.PeakRssMiB ?? double.NaN,
            });
        }).ToList();
        Table(md, ["run", "rows uploaded", "rows/s", "contacts sent", "contacts/s (live silo)", "contacts/s (start to end)", "killed at request",
            "silo ready s", "resumed s", "lost", "duplicated", "hours", "gateway peak RSS MiB", "silo peak RSS MiB"], rows);
        var median = Median(rows);
        md.AppendLine(Check($"≥ {TargetAudienceRowsPerSecond:N0} rows/s uploaded and checked", $"{median[1]:N0} rows/s", median[1] >= TargetAudienceRowsPerSecond));
        md.AppendLine(Check($"silo < {TargetSiloRssMiB / 1024:F1} GiB RSS throughout", $"{median[12]:N0} MiB", median[12] < TargetSiloRssMiB));
        md.AppendLine(Check("SIGKILL mid-campaign: 0 lost, 0 duplicated (fake's ledger)", $"{rows.Sum(r => r.Item2[8]):F0} / {rows.Sum(r => r.Item2[9]):F0}", runs.All(r => r.Campaign!.Lost == 0 && r.Campaign.Duplicated == 0 && r.Campaign.Unexpected == 0)));
        foreach (var r in runs)
        {
            var c = r.Campaign!;
            var hours = string.Join(", ", c.Hours.Select(h => string.Create(CultureInfo.InvariantCulture,
                $"{h.Hour:yyyy-MM-dd HH}:00 campaign {h.CampaignRequests:N0} ≤ {c.ShareLimit:N0}, org {h.OrgRequests:N0} ≤ {c.HourlyLimit:N0}")));
            md.AppendLine(Check($"run {r.Run}: every clock hour within the share and the quota", hours, c.HoursClean));
        }

        md.AppendLine();
    }

    private static void Agents(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Inbound: many agents and open conversations in one silo");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {runs[0].Settings}.");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var c = r.Conversations!;
            var fill = c.Phases.First();
            var silo = r.Memory.FirstOrDefault(m => m.Process == "silo");
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                c.Agents, fill.Check.Assigned, c.SetupSeconds, fill.FillSeconds ?? double.NaN, fill.AnsweredPerSecond,
                silo?.EndRssMiB ?? double.NaN, silo?.PeakRssMiB ?? double.NaN,
            });
        }).ToList();
        Table(md, ["run", "agents", "open conversations (assigned)", "setup s", "fill s", "answered/s", "silo RSS at the end MiB", "peak MiB"], rows);
        var median = Median(rows);
        md.AppendLine(Check($"{median[0]:N0} agents + {median[1]:N0} open conversations in one silo < 1 GiB RSS", $"{median[5]:N0} MiB", median[5] < TargetAgentsSiloRssMiB));
        md.AppendLine();
        AssignmentChecks(md, runs);
    }

    private static void Events(StringBuilder md, List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.AppendLine("## Events: CloudEvents batches through a trigger");
        md.AppendLine();
        md.AppendLine("Settings: " + runs[0].Settings + ". One org, one trigger on `case.created` mapping `/customer/phone` to the number and the event's tag to the template's slug; " +
            "each POST /v1/events is a CloudEvents batch of distinct events (unique ids, a new number each). *Events/s* = events answered `accepted` per second; " +
            "*send requests* = what the org's hourly quota counted for the phase (read with a probe before and after); " +
            "*event → provider* = the ledger's receive time minus the POST's start (its scheduled start in the open loop, which runs on a fresh stack at 80% of the closed loop's sustained rate).");
        md.AppendLine();
        var rows = runs.Select(r =>
        {
            var closed = r.Phase(PhaseNames.Closed);
            var open = r.Phase(PhaseNames.Open);
            return (r.Run.ToString(CultureInfo.InvariantCulture), new double[]
            {
                closed?.AcceptedPerSecond ?? double.NaN, closed?.ProviderPerSecond ?? double.NaN,
                closed?.SendLatencyMs.P50 ?? double.NaN, closed?.SendLatencyMs.P99 ?? double.NaN,
                EventsPerRequest(closed),
                open?.AcceptedPerSecond ?? double.NaN, open?.ProviderPerSecond ?? double.NaN,
                open?.SendLatencyMs.P99 ?? double.NaN,
                open?.StartToProviderMs?.P50 ?? double.NaN, open?.StartToProviderMs?.P99 ?? double.NaN,
                EventsPerRequest(open),
                Peak(r, "silo"), Peak(r, "gateway"),
                r.Phases.Sum(p => p.Lost), r.Phases.Sum(p => p.Duplicated),
                r.Phases.Sum(p => p.BusyAnswers),
            });
        }).ToList();
        Table(md,
            ["run", "closed: events/s", "provider msg/s", "POST p50 ms", "POST p99 ms", "events per send request",
             "80%: events/s", "provider msg/s", "POST p99 ms", "event → provider p50 ms", "p99 ms", "events per send request",
             "peak RSS silo MiB", "peak RSS gateway MiB", "lost", "duplicated", "503 busy"],
            rows);
        var median = Median(rows);
        var sustained = Math.Min(median[0], median[1]);
        md.AppendLine(Check($"≥ {TargetEventsPerSecond:N0} events/s ingested (and sent on)", $"{median[0]:N0} accepted/s, {sustained:N0} sustained", sustained >= TargetEventsPerSecond));
        md.AppendLine(Check("batched into send requests of ≈ 100", $"{median[4]:N0} events per request (closed), {median[10]:N0} (80%)", median[4] >= 50));
        md.AppendLine(Check($"event → provider p99 ≤ {TargetEventToProviderP99Ms:N0} ms at 80% of the rate", $"{median[9]:N0} ms", median[9] <= TargetEventToProviderP99Ms));
        md.AppendLine(Check("0 lost, 0 duplicated", $"{median[13]:F0} / {median[14]:F0}", runs.All(r => r.Clean)));
        md.AppendLine();
        CpuSplit(md, runs, [PhaseNames.Closed, PhaseNames.Open], "events");
    }

    private static double EventsPerRequest(PhaseResult? phase) =>
        phase is { SendRequests: > 0 and var n } ? (double)phase.AcceptedMessages / n : double.NaN;

    private static void AssignmentChecks(StringBuilder md, List<ScenarioResult> runs)
    {
        md.AppendLine("Assignment, counted after each phase once it settled (cumulative per stack): *assigned* is the sum of the agents' `activeConversations`, *events* the `assigned` events on the open streams.");
        md.AppendLine();
        md.AppendLine("| run | phase | answered 200 | not 200 | assigned | waiting | agents over capacity | events | assigned twice | customers with two conversations |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            foreach (var p in r.Conversations!.Phases)
            {
                var c = p.Check;
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Run} | {p.Name} | {c.Answered:N0} | {c.Unanswered:N0} | {c.Assigned:N0} | {c.Waiting:N0} | {c.AgentsOverCapacity} | {c.AssignedEvents:N0} | {c.AssignedTwice} | {c.CustomersWithTwoConversations} |");
            }
        }

        md.AppendLine();
    }

    private static double Peak(ScenarioResult r, string process) =>
        r.Memory.FirstOrDefault(m => m.Process == process)?.PeakRssMiB ?? double.NaN;

    private static void Table(StringBuilder md, string[] headers, List<(string Label, double[] Values)> rows)
    {
        md.AppendLine("| " + string.Join(" | ", headers) + " |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", headers.Length - 1)));
        foreach (var (label, values) in rows)
        {
            md.AppendLine($"| {label} | " + string.Join(" | ", values.Select(Format)) + " |");
        }

        if (rows.Count > 1)
        {
            md.AppendLine("| **median** | " + string.Join(" | ", Median(rows).Select(v => $"**{Format(v)}**")) + " |");
        }

        md.AppendLine();
    }

    private static double[] Median(List<(string Label, double[] Values)> rows) =>
        [.. Enumerable.Range(0, rows[0].Values.Length).Select(i => MedianOf(rows.Select(r => r.Values[i])))];

    private static string Format(double v) =>
        double.IsNaN(v) ? "–" : Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Check(string target, string measured, bool met) =>
        $"- {(met ? "✅" : "❌")} {target}: **{measured}**";
}
