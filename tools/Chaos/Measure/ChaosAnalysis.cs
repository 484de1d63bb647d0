using System.Globalization;
using Outbound.Bench.Load;
using Outbound.Bench.Measure;
using Outbound.Chaos.Faults;
using Outbound.Chaos.Setup;
using static System.FormattableString;

namespace Outbound.Chaos.Measure;

/// <summary>
/// Joins what the integrator was told (202s), what the provider fake received (ledger rows, by the tag in each body)
/// and what the API says became of each message (its final status), into the verdict: lost, duplicated, ambiguous,
/// failed and not final, per provider, and the system's pace before, during and after each fault.
/// </summary>
public static class ChaosAnalysis
{
    /// <summary>The tag's phase letter: the chaos load's messages read <c>Bench x12-37</c>.</summary>
    public const char Phase = 'x';

    public const int SampleSize = 20;

    /// <summary>Status of a message the sweep never managed to read.</summary>
    private static readonly MessageState Unread = new("unread", null, null, false, 0);

    /// <param name="messages">Where every accepted message goes as a CSV line (id, tag, outcome); null: nowhere.</param>
    public static async Task<ChaosResult> AnalyseAsync(
        ChaosOptions options, IReadOnlyList<Target> targets, RequestLog requests, StatusSweep statuses, FakeControl fake, RunClock clock,
        IReadOnlyList<FaultRecord> faults, DrainTimes drain, TextWriter? messages, CancellationToken cancellationToken)
    {
        var rowTimes = new List<double>();
        var duplicateRows = new SortedDictionary<string, long>();
        var receipts = await LedgerReceipts.ReadAsync(Phase, requests, fake, (row, request, _, before) =>
        {
            rowTimes.Add(clock.SecondsAt(row.ReceivedAt));
            if (request is not null && before > 0)
            {
                var provider = row.Provider ?? "?";
                duplicateRows[provider] = duplicateRows.GetValueOrDefault(provider) + 1;
            }
        }, cancellationToken);

        var counters = new SortedDictionary<string, Counter>(targets.Select(t => t.Provider).Distinct().ToDictionary(p => p, _ => new Counter()));
        var statusCounts = new SortedDictionary<string, long>();
        var failedCodes = new SortedDictionary<string, long>();
        var finalAnswers = new SortedDictionary<string, long>();
        var accepted = new List<(double At, int Count)>();
        var latencies = new List<(double At, double Ms)>();
        var lost = new List<MessageSample>();
        var open = new List<MessageSample>();
        var duplicated = new List<MessageSample>();
        long notAccepted = 0, rejected = 0;
        messages?.WriteLine("messageId,tag,provider,ledgerRows,status,errorCode,ambiguous,attempts");
        foreach (var r in requests.Records.OrderBy(r => r.Sequence))
        {
            if (r.Status != 202)
            {
                notAccepted++;
                var key = r.Status.ToString(CultureInfo.InvariantCulture);
                finalAnswers[key] = finalAnswers.GetValueOrDefault(key) + 1;
                continue;
            }

            rejected += r.Accepted.Length - r.AcceptedCount;
            var answeredAt = clock.SecondsAt(r.AnsweredAt);
            accepted.Add((answeredAt, r.AcceptedCount));
            var provider = targets[r.Tenant].Provider;
            var c = counters[provider];
            for (var i = 0; i < r.Accepted.Length; i++)
            {
                if (!r.Accepted[i])
                {
                    continue;
                }

                var rows = receipts.Count(r, i);
                var state = statuses.Of(r, i) ?? Unread;
                MessageSample Sample() => new(r.MessageId(i), MessageTags.Format(Phase, r.Sequence, i), provider, rows,
                    state.Status, state.ErrorCode, state.ErrorMessage, state.Ambiguous, state.Attempts);

                messages?.WriteLine(Invariant($"{r.MessageId(i)},{MessageTags.Format(Phase, r.Sequence, i)},{provider},{rows},{state.Status},{state.ErrorCode?.Replace(',', ';')},{state.Ambiguous},{state.Attempts}"));
                c.Accepted++;
                statusCounts[state.Status] = statusCounts.GetValueOrDefault(state.Status) + 1;
                if (receipts.FirstAt(r, i) is { } first)
                {
                    c.Reached++;
                    latencies.Add((answeredAt, (first - r.AnsweredAt).TotalMilliseconds));
                }

                if (!state.IsFinal)
                {
                    c.NonFinal++;
                    AddSample(open, Sample);
                }

                if (state.Ambiguous)
                {
                    c.Ambiguous++;
                }

                if (state.Status == "failed")
                {
                    c.Failed++;
                    var code = state.ErrorCode ?? "(no code)";
                    failedCodes[code] = failedCodes.GetValueOrDefault(code) + 1;
                }

                if (rows == 0 && state.IsRecordedFailure)
                {
                    c.RecordedFailures++;
                }
                else if (rows == 0)
                {
                    c.Lost++;
                    AddSample(lost, Sample);
                }
                else if (state.Status is "failed" or "unknown")
                {
                    c.ReachedButFailed++;
                }

                if (rows > 1)
                {
                    c.DuplicatedMessages++;
                    c.DuplicatedAmbiguous += state.Ambiguous ? 1 : 0;
                    AddSample(duplicated, Sample);
                }
            }
        }

        foreach (var provider in duplicateRows.Keys.Where(p => !counters.ContainsKey(p)))
        {
            counters[provider] = new Counter();
        }

        var providers = counters.Select(p => p.Value.ToCounts(p.Key, duplicateRows.GetValueOrDefault(p.Key))).ToList();
        var load = new LoadCounts(
            requests.Records.LongCount(), notAccepted, requests.Records.Sum(r => (long)r.BusyAnswers), requests.Records.Sum(r => (long)r.FailedAttempts),
            requests.AcceptedMessages, rejected, receipts.Unacknowledged, finalAnswers);
        var windows = new Windows(accepted, rowTimes, latencies);
        return new ChaosResult(
            clock.StartedAt, options.Describe(), Bench.Report.MachineInfo.Describe(), load, providers, statusCounts, failedCodes,
            lost, open, duplicated, [.. faults.Select(f => new FaultResult(f, windows.Around(f)))], windows.Timeline(TimeSpan.FromSeconds(10)), drain,
            Judge(options, providers));
    }

    /// <summary>The promise: nothing lost, everything final, no ACS duplicate, and Twilio duplicates only flagged ambiguous and rare.</summary>
    public static Verdict Judge(ChaosOptions options, IReadOnlyList<ProviderCounts> providers)
    {
        var violations = new List<string>();
        var total = ProviderCounts.Sum(providers);
        if (total.Accepted == 0)
        {
            violations.Add("nothing was accepted: the run proves nothing");
        }

        if (total.Lost > 0)
        {
            violations.Add(Invariant($"{total.Lost:N0} accepted messages lost (never at the provider, no recorded failure)"));
        }

        if (total.NonFinal > 0)
        {
            violations.Add(Invariant($"{total.NonFinal:N0} messages not final after the drain"));
        }

        if (providers.FirstOrDefault(p => p.Provider == "acs") is { DuplicateRows: > 0 } acs)
        {
            violations.Add(Invariant($"ACS: {acs.DuplicateRows:N0} duplicate sends (none allowed: a resend carries its repeatability id)"));
        }

        if (providers.FirstOrDefault(p => p.Provider == "twilio") is { } twilio)
        {
            var unflagged = twilio.DuplicatedMessages - twilio.DuplicatedAmbiguous;
            if (unflagged > 0)
            {
                violations.Add(Invariant($"Twilio: {unflagged:N0} messages sent twice without being flagged ambiguous"));
            }

            var allowed = (long)Math.Floor(options.MaxTwilioDuplicateShare * twilio.Accepted);
            if (twilio.DuplicatedMessages > allowed)
            {
                violations.Add(Invariant($"Twilio: {twilio.DuplicatedMessages:N0} messages sent twice, more than {options.MaxTwilioDuplicateShare:P1} of {twilio.Accepted:N0} ({allowed:N0})"));
            }
        }

        return new Verdict(violations.Count == 0, violations);
    }

    private static void AddSample(List<MessageSample> samples, Func<MessageSample> sample)
    {
        if (samples.Count < SampleSize)
        {
            samples.Add(sample());
        }
    }

    private sealed class Counter
    {
        public long Accepted;
        public long Reached;
        public long Lost;
        public long DuplicatedMessages;
        public long DuplicatedAmbiguous;
        public long Ambiguous;
        public long Failed;
        public long RecordedFailures;
        public long ReachedButFailed;
        public long NonFinal;

        public ProviderCounts ToCounts(string provider, long duplicateRows) => new(
            provider, Accepted, Reached, Lost, DuplicatedMessages, duplicateRows, DuplicatedAmbiguous, Ambiguous, Failed, RecordedFailures, ReachedButFailed, NonFinal);
    }

    /// <summary>Rates and latencies over spans of the run (run seconds).</summary>
    private sealed class Windows(List<(double At, int Count)> accepted, List<double> rows, List<(double At, double Ms)> latencies)
    {
        /// <summary>Before, during and after a fault; before and after as long as the fault, within 10 to 60 s.</summary>
        public IReadOnlyList<WindowStats> Around(FaultRecord fault)
        {
            if (fault is not { StartSeconds: { } start, EndSeconds: { } end })
            {
                return [];
            }

            var span = Math.Clamp(end - start, 10, 60);
            return [Of("before", Math.Max(0, start - span), start), Of("during", start, end), Of("after", end, end + span)];
        }

        public IReadOnlyList<WindowStats> Timeline(TimeSpan bucket)
        {
            var last = rows.Concat(accepted.Select(a => a.At)).DefaultIfEmpty(0).Max();
            var step = bucket.TotalSeconds;
            return [.. Enumerable.Range(0, (int)Math.Ceiling(Math.Max(last, 0) / step) + 1).Select(i => Of(Invariant($"{i * step:0}s"), i * step, (i + 1) * step))];
        }

        private WindowStats Of(string name, double from, double to)
        {
            var seconds = Math.Max(to - from, 0.001);
            return new WindowStats(name, Math.Round(from, 1), Math.Round(to, 1),
                accepted.Where(a => a.At >= from && a.At < to).Sum(a => a.Count) / seconds,
                rows.Count(t => t >= from && t < to) / seconds,
                Percentiles.Of([.. latencies.Where(l => l.At >= from && l.At < to).Select(l => l.Ms)]));
        }
    }
}
