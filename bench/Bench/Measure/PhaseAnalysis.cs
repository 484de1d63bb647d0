using System.Globalization;
using Outbound.Bench.Load;

namespace Outbound.Bench.Measure;

/// <summary>
/// Joins what the client was told (202s and their accepted contacts) with what the fake received (ledger rows,
/// matched by the tag in each body): rates, latencies, lost and duplicated messages.
/// </summary>
/// <remarks>
/// Acceptance-to-provider time is the ledger row's <c>receivedAt</c> (the fake's clock) minus the moment the 202
/// came back to the client (same machine, same clock). That is the delay a caller observes between being told
/// "accepted" and the provider having the message. It can be slightly negative: delivery starts in the grain
/// right after the durable write, possibly before the 202 has crossed the gateway. The message history's
/// <c>acceptedAt</c> would instead be taken before the state write, and reading it costs one GET per message.
/// </remarks>
public static class PhaseAnalysis
{
    /// <summary>How many lost messages are looked up through the API, to say why they never arrived.</summary>
    public const int LostSampleSize = 20;

    public static async Task<(PhaseResult Result, IReadOnlyList<(RequestRecord Request, int Index)> LostSample)> AnalyseAsync(
        string name, string load, char phase, RequestLog requests, SteadyWindow window, double drainSeconds,
        FakeControl fake, CancellationToken cancellationToken)
    {
        long providerInWindow = 0;
        var receipts = await LedgerReceipts.ReadAsync(phase, requests, fake, (row, _, _, _) =>
        {
            if (window.Contains(row.ReceivedAt))
            {
                providerInWindow++;
            }
        }, cancellationToken);

        long lost = 0, duplicated = 0, accepted = 0, rejected = 0, acceptedInWindow = 0, requestsInWindow = 0;
        var latencies = new List<double>();
        var acceptToProvider = new List<double>();
        var startToProvider = new List<double>();
        var statuses = new SortedDictionary<string, long>();
        var lostSample = new List<(RequestRecord, int)>();
        foreach (var r in requests.Records)
        {
            var inWindow = window.Contains(r.AnsweredAt);
            if (r.Status != 202)
            {
                var key = r.Status.ToString(CultureInfo.InvariantCulture);
                statuses[key] = statuses.GetValueOrDefault(key) + 1;
            }
            else
            {
                rejected += r.Accepted.Length - r.AcceptedCount;
            }

            if (inWindow)
            {
                requestsInWindow++;
                latencies.Add(r.LatencyMs);
            }

            for (var i = 0; i < r.Accepted.Length; i++)
            {
                if (!r.Accepted[i])
                {
                    continue;
                }

                accepted++;
                acceptedInWindow += inWindow ? 1 : 0;
                var count = receipts.Count(r, i);
                if (inWindow && receipts.FirstAt(r, i) is { } first)
                {
                    acceptToProvider.Add((first - r.AnsweredAt).TotalMilliseconds);
                    startToProvider.Add((first - r.AnsweredAt).TotalMilliseconds + r.LatencyMs);
                }

                if (count == 0)
                {
                    lost++;
                    if (lostSample.Count < LostSampleSize)
                    {
                        lostSample.Add((r, i));
                    }
                }

                duplicated += Math.Max(0, count - 1);
            }
        }

        return (new PhaseResult(
            name, load, window.Seconds, requests.Records.LongCount(), accepted, rejected,
            requestsInWindow / window.Seconds, acceptedInWindow / window.Seconds, providerInWindow / window.Seconds,
            Percentiles.Of(latencies), Percentiles.Of(acceptToProvider), lost, duplicated, receipts.Unacknowledged, drainSeconds, statuses)
        {
            BusyAnswers = requests.Records.Sum(r => (long)r.BusyAnswers),
            StartToProviderMs = Percentiles.Of(startToProvider),
        }, lostSample);
    }

    /// <summary>The ceiling: provider calls per second the fake took in the window, straight from this process.</summary>
    public static async Task<PhaseResult> AnalyseCeilingAsync(
        string load, CeilingLoad ceiling, SteadyWindow window, FakeControl fake, CancellationToken cancellationToken)
    {
        long inWindow = 0;
        await foreach (var row in fake.ReadLedgerAsync(cancellationToken))
        {
            if (MessageTags.TryParse(row.Body, out var p, out _, out _) && p == CeilingLoad.Phase && window.Contains(row.ReceivedAt))
            {
                inWindow++;
            }
        }

        var statuses = new SortedDictionary<string, long>();
        if (ceiling.Failed > 0)
        {
            statuses["failed"] = ceiling.Failed;
        }

        return new PhaseResult(
            PhaseNames.Ceiling, load, window.Seconds, ceiling.Created + ceiling.Failed, ceiling.Created, 0,
            inWindow / window.Seconds, inWindow / window.Seconds, inWindow / window.Seconds,
            Percentiles.Empty, Percentiles.Empty, 0, 0, 0, 0, statuses);
    }
}
