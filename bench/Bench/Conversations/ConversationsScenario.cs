using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Outbound.Bench.Load;
using Outbound.Bench.Measure;

namespace Outbound.Bench.Conversations;

/// <summary>
/// The inbound side: customers' webhooks through the gateway, routing and assignment to agents.
/// <c>conversations</c>: a closed loop (throughput), then an open loop at 80% of it (webhook → <c>assigned</c> event).
/// <c>agents</c>: <c>--agents</c> agents, then <c>--conversations</c> new conversations, all assigned; the silo's RSS at the end.
/// </summary>
public sealed class ConversationsScenario(
    BenchOptions options, TextWriter log, ContactNumbers numbers, Func<IReadOnlyDictionary<string, double>> cpuSnapshot, Action<long> progress)
{
    private readonly List<WebhookRecord> _stackRecords = [];

    public async Task<ConversationsResult> RunAsync(HttpClient gateway, ConversationsResult? earlier, CancellationToken cancellationToken)
    {
        var scale = options.Scenario == Scenarios.Agents;
        var agents = options.Agents ?? (scale ? 10_000 : 800);
        var orgs = Math.Max(options.Orgs, (agents + ConversationSetup.MaxAgentsPerQueue - 1) / ConversationSetup.MaxAgentsPerQueue);
        var capacity = scale ? (int)((options.Conversations + agents - 1) / agents) : options.Capacity;
        if (capacity is < 1 or > 100)
        {
            throw new ArgumentException($"An agent's capacity is 1-100; {capacity} was asked (--capacity, or --conversations / --agents).");
        }

        var streamsPerOrg = Math.Min(options.AgentStreams, ConversationSetup.MaxStreamsPerOrg);
        log.WriteLine($"[{options.Scenario} run {options.Run}] creating {orgs} orgs, {agents:N0} agents of capacity {capacity}, {streamsPerOrg} event streams per org");
        var setupWatch = Stopwatch.StartNew();
        var tenants = await new ConversationSetup(gateway, options).CreateAsync(orgs, agents, capacity, streamsPerOrg, cancellationToken);
        var setupSeconds = setupWatch.Elapsed.TotalSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup took {setupSeconds:F1} s"));

        await using var streams = new AgentStreams(options.Gateway, tenants.SelectMany(t => t.Streams));
        await streams.ConnectedAsync(TimeSpan.FromSeconds(60));
        var phases = new List<InboundPhaseResult>();
        if (scale)
        {
            phases.Add(await FillAsync(gateway, tenants, streams, cancellationToken));
        }
        else if (earlier?.Phases.FirstOrDefault(p => p.Name == PhaseNames.Closed) is { } measured)
        {
            phases.AddRange(earlier.Phases);
            phases.Add(await OpenAsync(gateway, tenants, streams, measured, cancellationToken));
        }
        else
        {
            var closed = await ClosedAsync(gateway, tenants, streams, cancellationToken);
            phases.Add(closed);
            if (!options.Skip.Contains(PhaseNames.Open))
            {
                phases.Add(await OpenAsync(gateway, tenants, streams, closed, cancellationToken));
            }
        }

        return new ConversationsResult(orgs, agents, capacity, streams.Count, earlier?.SetupSeconds ?? setupSeconds, phases);
    }

    private async Task<InboundPhaseResult> ClosedAsync(HttpClient gateway, IReadOnlyList<InboundTenant> tenants, AgentStreams streams, CancellationToken cancellationToken)
    {
        var description = $"closed loop, {options.Concurrency} webhooks in flight, each from a new customer";
        log.WriteLine($"  {PhaseNames.Closed}: {description}");
        var load = new InboundLoad(gateway, tenants, options, numbers);
        var start = Stopwatch.GetTimestamp();
        var warmedUp = start + Ticks(options.Warmup);
        var until = warmedUp + Ticks(options.Duration);
        var cpu = cpuSnapshot();
        using (Ticker(PhaseNames.Closed, load, cancellationToken))
        {
            await load.RunClosedAsync(options.Concurrency, () => Stopwatch.GetTimestamp() >= until, cancellationToken);
        }

        return await AnalyseAsync(PhaseNames.Closed, description, load, streams, tenants, gateway, warmedUp, Stopwatch.GetTimestamp(), cpu, start, cancellationToken);
    }

    private async Task<InboundPhaseResult> OpenAsync(
        HttpClient gateway, IReadOnlyList<InboundTenant> tenants, AgentStreams streams, InboundPhaseResult closed, CancellationToken cancellationToken)
    {
        var rate = options.Rate ?? Math.Max(1, 0.8 * closed.AnsweredPerSecond);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"open loop, {rate:F0} webhooks/s{(options.Rate is null ? " (80% of the closed loop's)" : "")}, each from a new customer");
        log.WriteLine($"  {PhaseNames.Open}: {description}");
        var load = new InboundLoad(gateway, tenants, options, numbers);
        var start = Stopwatch.GetTimestamp();
        // The rate ramps up over the warm-up, then holds for another warm-up before the window opens.
        var warmedUp = start + (2 * Ticks(options.Warmup));
        var until = DateTimeOffset.UtcNow + (2 * options.Warmup) + options.Duration;
        var cpu = cpuSnapshot();
        using (Ticker(PhaseNames.Open, load, cancellationToken))
        {
            await load.RunOpenAsync(rate, options.Warmup, until, maxInFlight: Math.Max(256, options.Concurrency * 8), cancellationToken);
        }

        return await AnalyseAsync(PhaseNames.Open, description, load, streams, tenants, gateway, warmedUp, Stopwatch.GetTimestamp(), cpu, start, cancellationToken);
    }

    private async Task<InboundPhaseResult> FillAsync(HttpClient gateway, IReadOnlyList<InboundTenant> tenants, AgentStreams streams, CancellationToken cancellationToken)
    {
        var description = string.Create(CultureInfo.InvariantCulture,
            $"closed loop, {options.Concurrency} webhooks in flight, until {options.Conversations:N0} new conversations");
        log.WriteLine($"  {PhaseNames.Fill}: {description}");
        var load = new InboundLoad(gateway, tenants, options, numbers);
        var start = Stopwatch.GetTimestamp();
        var issuedBefore = numbers.Issued;
        var cpu = cpuSnapshot();
        using (Ticker(PhaseNames.Fill, load, cancellationToken))
        {
            await load.RunClosedAsync(options.Concurrency, () => numbers.Issued - issuedBefore >= options.Conversations, cancellationToken);
        }

        var result = await AnalyseAsync(PhaseNames.Fill, description, load, streams, tenants, gateway, start, Stopwatch.GetTimestamp(), cpu, start, cancellationToken);
        return result with { FillSeconds = Math.Round(Stopwatch.GetElapsedTime(start).TotalSeconds, 1) };
    }

    private async Task<InboundPhaseResult> AnalyseAsync(
        string name, string description, InboundLoad load, AgentStreams streams, IReadOnlyList<InboundTenant> tenants, HttpClient gateway,
        long windowStart, long windowEnd, IReadOnlyDictionary<string, double> cpuAtStart, long phaseStart, CancellationToken cancellationToken)
    {
        var records = load.Records.ToList();
        _stackRecords.AddRange(records);
        var check = await CheckAsync(gateway, tenants, streams, cancellationToken);
        var cpuUsed = cpuSnapshot().Where(p => cpuAtStart.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value - cpuAtStart[p.Key]);

        var inWindow = records.Where(r => r.AnsweredTicks >= windowStart && r.AnsweredTicks <= windowEnd).ToList();
        var seconds = Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds;
        var answeredInWindow = inWindow.Count(r => r.Status == 200);
        var webhook = Percentiles.Of([.. inWindow.Where(r => r.Status == 200).Select(r => Ms(r.StartTicks, r.AnsweredTicks))]);

        // Webhook → assigned, for the customers whose webhook started in the window and landed on an open stream.
        var started = records.Where(r => r.StartTicks >= windowStart && r.StartTicks <= windowEnd).ToDictionary(r => r.Customer, r => r.StartTicks);
        var assigned = Percentiles.Of([.. streams.Assigned
            .GroupBy(e => e.Customer)
            .Where(g => started.ContainsKey(g.Key))
            .Select(g => Ms(started[g.Key], g.Min(e => e.ReceivedTicks)))]);
        var statuses = records.Where(r => r.Status != 200).GroupBy(r => r.Status.ToString(CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        var answered = records.Count(r => r.Status == 200);
        var result = new InboundPhaseResult(name, description, Math.Round(seconds, 1), records.Count, answered,
            seconds > 0 ? answeredInWindow / seconds : 0, webhook, assigned, statuses, check)
        {
            CpuMsPerThousand = answered <= 0 ? [] : cpuUsed.ToDictionary(p => p.Key, p => Math.Round(p.Value * 1000 * 1000 / answered, 1)),
        };
        Print(result, Stopwatch.GetElapsedTime(phaseStart).TotalSeconds);
        return result;
    }

    /// <summary>
    /// Waits until assignment settles (nothing waiting and every answered conversation held by an agent, or no
    /// change for 5 s, or the drain timeout) and the streams fall quiet for a second, then counts what the API and
    /// the open streams show.
    /// </summary>
    private async Task<AssignmentCheck> CheckAsync(HttpClient gateway, IReadOnlyList<InboundTenant> tenants, AgentStreams streams, CancellationToken cancellationToken)
    {
        var answered = _stackRecords.LongCount(r => r.Status == 200);
        var unanswered = _stackRecords.LongCount(r => r.Status != 200);
        var watch = Stopwatch.StartNew();
        (long Assigned, long Waiting, long Over) last = (-1, -1, -1);
        var unchangedSince = watch.Elapsed;
        while (true)
        {
            var now = await CountAsync(gateway, tenants, cancellationToken);
            if (now != last)
            {
                unchangedSince = watch.Elapsed;
                last = now;
            }

            if ((now.Waiting == 0 && now.Assigned >= answered) || watch.Elapsed - unchangedSince > TimeSpan.FromSeconds(5) || watch.Elapsed > options.DrainTimeout)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        // The events of the last assignments may still be on their way, and a duplicate would come later still.
        var seen = -1;
        while (streams.Assigned.Count != seen && watch.Elapsed < options.DrainTimeout)
        {
            seen = streams.Assigned.Count;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        var events = streams.Assigned.ToList();
        return new AssignmentCheck(
            answered,
            unanswered,
            last.Assigned,
            last.Waiting,
            last.Over,
            events.Count,
            events.GroupBy(e => e.ConversationId).LongCount(g => g.Count() > 1),
            events.GroupBy(e => e.Customer).LongCount(g => g.Select(e => e.ConversationId).Distinct().Count() > 1),
            Math.Round(watch.Elapsed.TotalSeconds, 1));
    }

    private static async Task<(long Assigned, long Waiting, long Over)> CountAsync(HttpClient gateway, IReadOnlyList<InboundTenant> tenants, CancellationToken cancellationToken)
    {
        long assigned = 0, waiting = 0, over = 0;
        foreach (var tenant in tenants)
        {
            waiting += (await GetAsync(gateway, $"/v1/queues/{tenant.QueueId}", tenant.ApiKey, cancellationToken)).GetProperty("waiting").GetInt64();
            string? cursor = null;
            do
            {
                var page = await GetAsync(gateway, $"/v1/agents?limit=200{(cursor is null ? "" : "&cursor=" + cursor)}", tenant.ApiKey, cancellationToken);
                foreach (var agent in page.GetProperty("items").EnumerateArray())
                {
                    var active = agent.GetProperty("activeConversations").GetInt64();
                    assigned += active;
                    over += active > agent.GetProperty("capacity").GetInt64() ? 1 : 0;
                }

                cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (cursor is not null);
        }

        return (assigned, waiting, over);
    }

    private static async Task<JsonElement> GetAsync(HttpClient gateway, string path, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await gateway.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Timer Ticker(string name, InboundLoad load, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long last = 0;
        return new Timer(_ =>
        {
            var answered = load.Answered;
            progress(answered);
            if (!cancellationToken.IsCancellationRequested)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {name} +{Stopwatch.GetElapsedTime(started).TotalSeconds:F0}s: {answered:N0} answered 200 ({(answered - last) / 5.0:F0}/s)"));
            }

            last = answered;
        }, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    private void Print(InboundPhaseResult r, double phaseSeconds)
    {
        var c = r.Check;
        log.WriteLine(FormattableString.Invariant(
            $"    {r.Name}: {r.AnsweredPerSecond:F0} webhooks/s answered 200 in the window ({r.SteadySeconds:F0} s; phase {phaseSeconds:F0} s), ") +
            FormattableString.Invariant($"webhook p50/p99 {r.WebhookLatencyMs.P50:F0}/{r.WebhookLatencyMs.P99:F0} ms, ") +
            FormattableString.Invariant($"webhook→assigned p50/p99 {r.AssignedLatencyMs.P50:F0}/{r.AssignedLatencyMs.P99:F0} ms (n={r.AssignedLatencyMs.Count}), ") +
            FormattableString.Invariant($"non-200 [{string.Join(' ', r.Statuses.Select(s => $"{s.Key}×{s.Value}"))}], ") +
            FormattableString.Invariant($"CPU ms per 1,000 webhooks [{string.Join(' ', r.CpuMsPerThousand.Select(p => $"{p.Key} {p.Value:F0}"))}]"));
        log.WriteLine(FormattableString.Invariant(
            $"    check ({(c.Clean ? "clean" : "NOT CLEAN")}): answered {c.Answered}, unanswered {c.Unanswered}, assigned {c.Assigned}, waiting {c.Waiting}, ") +
            FormattableString.Invariant($"agents over capacity {c.AgentsOverCapacity}, assigned events {c.AssignedEvents}, assigned twice {c.AssignedTwice}, ") +
            FormattableString.Invariant($"customers with two conversations {c.CustomersWithTwoConversations}, settled in {c.SettleSeconds:F1} s"));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
