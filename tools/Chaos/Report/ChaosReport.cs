using System.Text;
using Outbound.Bench.Measure;
using Outbound.Chaos.Measure;
using static System.FormattableString;

namespace Outbound.Chaos.Report;

/// <summary>A chaos run as markdown: the verdict, what became of the messages per provider, and each fault's effect.</summary>
public static class ChaosReport
{
    public static string Render(ChaosResult r, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Reliability under faults (chaos suite)");
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
        md.AppendLine(r.Verdict.Passed
            ? "**Verdict: passed.** Nothing lost, every message final, duplicates within the rules."
            : "**Verdict: failed.**");
        foreach (var violation in r.Verdict.Violations)
        {
            md.AppendLine($"- {violation}");
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
