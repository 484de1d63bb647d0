using System.Text;
using Outbound.Bench.Measure;
using Outbound.Bench.Report;
using Outbound.Chaos.Measure;
using static System.FormattableString;

namespace Outbound.Chaos.Report;

/// <summary>A chaos run as markdown: the verdict, what became of the messages per provider, and each fault's effect.</summary>
public static class ChaosReport
{
    /// <summary>Where the rolling restart's report starts and ends in a file that also holds the faults run's.</summary>
    public const string RollingRestartStart = "<!-- rolling-restart: written by tools/Chaos (--scenario rolling-restart) -->";
    public const string RollingRestartEnd = "<!-- /rolling-restart -->";

    /// <summary>
    /// Writes the report into <paramref name="path"/>: a faults run replaces the report at the top (the hand-written
    /// analysis and the rolling restart's section stay); a rolling restart replaces only its own section, which goes
    /// before the analysis the first time.
    /// </summary>
    public static async Task WriteAsync(string path, ChaosResult result, string command, CancellationToken cancellationToken)
    {
        var previous = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        var start = previous.IndexOf(RollingRestartStart, StringComparison.Ordinal);
        var end = previous.IndexOf(RollingRestartEnd, StringComparison.Ordinal);
        var section = start >= 0 && end > start ? previous[start..(end + RollingRestartEnd.Length)] : "";
        if (result.RollingRestart is null)
        {
            var rendered = Render(result, command);
            if (section.Length > 0)
            {
                rendered = rendered.TrimEnd() + "\n\n" + section + "\n";
            }

            await MarkdownReport.WriteKeepingAnalysisAsync(path, rendered, cancellationToken);
            return;
        }

        var mine = RollingRestartStart + "\n\n" + Demoted(Render(result, command)).TrimEnd() + "\n\n" + RollingRestartEnd;
        string text;
        if (section.Length > 0)
        {
            text = previous.Replace(section, mine, StringComparison.Ordinal);
        }
        else if (previous.IndexOf(MarkdownReport.AnalysisMarker, StringComparison.Ordinal) is var analysis and >= 0)
        {
            text = previous[..analysis].TrimEnd() + "\n\n" + mine + "\n\n" + previous[analysis..];
        }
        else
        {
            text = previous.Length == 0 ? mine + "\n" : previous.TrimEnd() + "\n\n" + mine + "\n";
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, text, cancellationToken);
    }

    public static string Render(ChaosResult r, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(r.RollingRestart is null ? "# Reliability under faults (chaos suite)" : "# Rolling restart under load (3 silos, 2 gateways)");
        md.AppendLine();
        md.AppendLine(Invariant($"Written by `tools/Chaos` on {r.StartedAt:yyyy-MM-dd HH:mm} UTC. Reproduce with:"));
        md.AppendLine();
        md.AppendLine("```bash");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine($"Settings: {r.Settings}.");
        md.AppendLine();
        md.AppendLine($"Machine: {r.Machine}. Azurite, the provider fake, the silos, the gateways and the load generator all share it.");
        md.AppendLine();
        md.AppendLine("The promise: every message the API accepted reaches the provider exactly once, or ends in a recorded final state " +
            "(`failed`/`unknown` with a reason). How to read the tables: [tools/Chaos/README.md](../tools/Chaos/README.md#the-verdict).");
        md.AppendLine();
        if (r.RollingRestart is not null)
        {
            md.AppendLine("And for the rolling restart: no 5xx from the gateways, every silo exits by itself on SIGTERM, every silo hosts new " +
                "work once they are all back, and the org's hourly quota, counted across both gateways and every restart, accepts exactly its limit.");
            md.AppendLine();
        }

        md.AppendLine(r.Verdict.Passed
            ? r.RollingRestart is null
                ? "**Verdict: passed.** Nothing lost, every message final, duplicates within the rules."
                : "**Verdict: passed.** Nothing lost or duplicated, every message final, no 5xx, work on every silo, the quota exact."
            : "**Verdict: failed.**");
        foreach (var violation in r.Verdict.Violations)
        {
            md.AppendLine($"- {violation}");
        }

        if (r.RollingRestart is { } rolling)
        {
            RollingRestart(md, r, rolling);
        }

        md.AppendLine();
        md.AppendLine("## Messages");
        md.AppendLine();
        var l = r.Load;
        md.AppendLine(Invariant($"{l.Requests:N0} send requests, {l.RequestsNotAccepted:N0} never accepted before the give-up time; {l.AcceptedMessages:N0} messages accepted. ") +
            Invariant($"Repeated attempts: {l.FailedAttempts:N0} after a timeout, a broken connection or a 5xx, {l.BusyAnswers:N0} after a 503 with Retry-After. ") +
            Invariant($"Ledger rows of contacts the client never saw accepted: {l.Unacknowledged:N0}.") +
            (l.FinalAnswers.Count == 0 ? "" : $" Final answers other than 202: {Counts(l.FinalAnswers)}."));
        md.AppendLine();
        md.AppendLine("| provider | accepted | at the provider | lost | duplicated | extra sends | duplicated & ambiguous | ambiguous | failed | recorded failures, not sent | sent, yet failed/unknown | not final |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in r.Providers.Append(r.Total))
        {
            md.AppendLine(Invariant($"| {p.Provider} | {p.Accepted:N0} | {p.Reached:N0} | {p.Lost:N0} | {p.DuplicatedMessages:N0} | {p.DuplicateRows:N0} | {p.DuplicatedAmbiguous:N0} | ") +
                Invariant($"{p.Ambiguous:N0} | {p.Failed:N0} | {p.RecordedFailures:N0} | {p.ReachedButFailed:N0} | {p.NonFinal:N0} |"));
        }

        md.AppendLine();
        md.AppendLine($"Statuses after the drain: {Counts(r.Statuses)}." + (r.FailedCodes.Count == 0 ? "" : $" Failed, by error code: {Counts(r.FailedCodes)}."));
        md.AppendLine();
        md.AppendLine(Invariant($"Drain: the ledger caught up {r.Drain.LedgerSeconds:F0} s after the load; every status was final {r.Drain.StatusSeconds:F0} s after that") +
            (r.Total.NonFinal > 0 ? " (or the drain timed out)." : "."));
        md.AppendLine();

        md.AppendLine("## Faults");
        md.AppendLine();
        md.AppendLine("Times in seconds since the load started. Rates: messages accepted (202s) and provider sends (ledger rows) per second; " +
            "latency: from a message's 202 to its first ledger row, for messages accepted in the window (p50 / p99, ms).");
        md.AppendLine();
        md.AppendLine("| fault | start | end | window | accepted/s | provider/s | accept → provider p50 / p99 |");
        md.AppendLine("|---|---:|---:|---|---:|---:|---:|");
        foreach (var f in r.Faults)
        {
            var first = true;
            foreach (var w in f.Windows.DefaultIfEmpty())
            {
                var fault = first ? $"{f.Fault.Name}: {f.Fault.Description}" : "";
                var times = first ? Invariant($"{f.Fault.StartSeconds:F1} | {f.Fault.EndSeconds:F1}") : " | ";
                md.AppendLine(w is null
                    ? $"| {fault} | {times} | | | | |"
                    : Invariant($"| {fault} | {times} | {w.Name} ({w.From:F0}–{w.To:F0}) | {w.AcceptedPerSecond:F0} | {w.ProviderPerSecond:F0} | {Ms(w.AcceptToProviderMs)} |"));
                first = false;
            }
        }

        foreach (var note in r.Faults.Where(f => f.Fault.Note is not null))
        {
            md.AppendLine();
            md.AppendLine($"{note.Fault.Name}: {note.Fault.Note}.");
        }

        Samples(md, "Lost messages (a sample)", r.LostSample);
        Samples(md, "Messages not final after the drain (a sample)", r.NonFinalSample);
        Samples(md, "Duplicated messages (a sample)", r.DuplicatedSample);
        if (r.Memory.Count > 0 || r.CpuSeconds.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Processes");
            md.AppendLine();
            md.AppendLine(string.Join("; ", r.Memory.Select(m => Invariant($"{m.Process}: peak RSS {m.PeakRssMiB:F0} MiB")))
                + (r.CpuSeconds.Count == 0 ? "" : ". CPU seconds from the load's start to the drain's end: " + string.Join(", ", r.CpuSeconds.Select(c => Invariant($"{c.Key} {c.Value:F0}")))) + ".");
        }

        return md.ToString();
    }

    private static void RollingRestart(StringBuilder md, ChaosResult r, RollingRestartResult rolling)
    {
        md.AppendLine();
        md.AppendLine("## The restarts");
        md.AppendLine();
        md.AppendLine("| step | what | start | end | how it went |");
        md.AppendLine("|---|---|---:|---:|---|");
        foreach (var f in r.Faults.Select(f => f.Fault))
        {
            md.AppendLine(Invariant($"| {f.Name} | {f.Description} | {f.StartSeconds:F1} | {f.EndSeconds:F1} | {f.Note} |"));
        }

        md.AppendLine();
        md.AppendLine($"Membership settings: {rolling.Membership}. " +
            (rolling.DeathDeclaredAfterSeconds is { } dead ? Invariant($"The SIGKILLed silo was declared Dead **{dead:F1} s** after the kill") : "The SIGKILLed silo was not seen declared Dead") +
            (rolling.SlowestAnswerAroundKillSeconds is { } slowest ? Invariant($"; the slowest send request answered in the 30 s after the kill took {slowest:F1} s.") : "."));
        if (r.Answers is { } answers)
        {
            md.AppendLine();
            md.AppendLine($"Gateway answers other than 202, per attempt: {Counts(answers.ByAnswer)}; 5xx: {answers.ServerErrors:N0}.");
            if (answers.ServerErrorSample.Count > 0)
            {
                md.AppendLine();
                md.AppendLine("| at (s) | status | Retry-After | gateway | during |");
                md.AppendLine("|---:|---:|---|---:|---|");
                foreach (var e in answers.ServerErrorSample.Take(30))
                {
                    md.AppendLine(Invariant($"| {e.AtSeconds:F1} | {e.Status} | {(e.RetryAfter ? "yes" : "no")} | {e.Gateway} | {e.Step} |"));
                }
            }
        }

        if (rolling.Activations.Count > 0)
        {
            var silos = rolling.Activations.SelectMany(a => a.Silos.Keys).Distinct().Order().ToList();
            md.AppendLine();
            md.AppendLine("Activations per silo (all grains / of which send batches, one per send request):");
            md.AppendLine();
            md.AppendLine("| when | at (s) | " + string.Join(" | ", silos) + " |");
            md.AppendLine("|---|---:|" + string.Concat(silos.Select(_ => "---:|")));
            foreach (var a in rolling.Activations)
            {
                md.AppendLine(Invariant($"| {a.Name} | {a.AtSeconds:F1} | ") + string.Join(" | ", silos.Select(s =>
                    a.Silos.TryGetValue(s, out var c) ? Invariant($"{c.Activations:N0} / {c.SendBatches:N0}") : "–")) + " |");
            }
        }

        if (rolling.Quota is { } q)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"Quota: the org's hourly limit set to {q.Limit:N0} requests at +{q.SetAtSeconds:F1} s; {q.AcceptedRequests:N0} requests accepted, {q.RefusedRequests:N0} refused with 429; the org's usage at the end: {q.UsedAtEnd:N0}.")
                + (q.HourTurned ? " The UTC hour turned during the run, so the count started again and the quota was not judged." : "")
                + (q.OrgGrainKilled == true
                    ? " The org's grain was on the SIGKILLed silo: requests it counted just before the kill and counted again when repeated leave the accepted ones short of the limit (never above it)."
                    : q.OrgGrainKilled == false ? " The org's grain was not on the SIGKILLed silo." : ""));
        }
    }

    /// <summary>Every heading one level down, for a section inside another report.</summary>
    private static string Demoted(string markdown) =>
        string.Join('\n', markdown.Split('\n').Select(line => line.StartsWith('#') ? "#" + line : line));

    private static void Samples(StringBuilder md, string title, IReadOnlyList<MessageSample> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine($"## {title}");
        md.AppendLine();
        md.AppendLine("| message | tag | provider | ledger rows | status | error | ambiguous | attempts |");
        md.AppendLine("|---|---|---|---:|---|---|---|---:|");
        foreach (var s in samples)
        {
            var error = string.Join(" ", new[] { s.ErrorCode, s.ErrorMessage }.Where(e => e is { Length: > 0 })).Replace('|', '/');
            md.AppendLine(Invariant($"| `{s.MessageId}` | {s.Tag} | {s.Provider} | {s.LedgerRows} | {s.Status} | {error} | {(s.Ambiguous ? "yes" : "no")} | {s.Attempts} |"));
        }
    }

    private static string Counts(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => Invariant($"{c.Key} {c.Value:N0}")));

    private static string Ms(Percentiles p) => p.Count == 0 ? "–" : Invariant($"{p.P50:F0} / {p.P99:F0}");
}
