using System.Globalization;
using System.Text.Json;
using Outbound.Bench.Conversations;
using Outbound.Bench.Load;
using Outbound.Bench.Measure;
using Outbound.Bench.Setup;

namespace Outbound.Bench;

/// <summary>
/// Runs one scenario against a running system (gateway + silo + provider fake): sets the orgs up, drives the
/// load, waits for the drain and measures. The in-process entry point, used by <c>Program</c> and the smoke test.
/// </summary>
public sealed class BenchRunner(BenchOptions options, TextWriter log)
{
    // NaN stands for "not measured" (a phase without latencies) and must survive the round trip to the report.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly ContactNumbers _numbers = new();
    private ProcessSampler? _sampler;

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        using var gateway = BenchHttp.Create(options.Gateway);
        using var fakeHttp = BenchHttp.Create(options.Fake);
        var fake = new FakeControl(fakeHttp);
        await WaitReadyAsync(gateway, "/health/ready", cancellationToken);
        await WaitReadyAsync(fakeHttp, "/health", cancellationToken);

        var inbound = options.Scenario is Scenarios.Conversations or Scenarios.Agents;
        IReadOnlyList<Tenant> tenants = [];
        if (!inbound)
        {
            // Events and campaigns need one org.
            var oneOrg = Events || options.Scenario == Scenarios.Campaign;
            log.WriteLine($"[{options.Scenario} run {options.Run}] creating {(oneOrg ? 1 : options.Orgs)} orgs");
            tenants = await new TenantSetup(gateway, oneOrg ? options with { Orgs = 1 } : options).CreateAsync(cancellationToken);
            if (Events)
            {
                // One org, one trigger on case.created: every event becomes one message to its customer.
                var api = new TenantApi(gateway, options.AdminKey);
                await api.CallAsync(HttpMethod.Post, "/v1/triggers", tenants[0].ApiKey, EventBodies.Trigger(tenants[0].ConfigurationId), cancellationToken);
            }
        }

        await fake.ResetFaultsAsync(cancellationToken);
        await fake.ClearLedgerAsync(cancellationToken);

        var pids = new Dictionary<string, int>();
        if (options.SiloPid is { } silo)
        {
            pids["silo"] = silo;
        }

        if (options.GatewayPid is { } gw)
        {
            pids["gateway"] = gw;
        }

        if (options.FakePid is { } fakePid)
        {
            pids["fake"] = fakePid;
        }

        if (options.AzuritePid is { } azurite)
        {
            pids["azurite"] = azurite;
        }

        pids["bench"] = Environment.ProcessId;

        long acceptedSoFar = 0;
        var phases = new List<PhaseResult>();
        var earlier = options.After is { } after
            ? JsonSerializer.Deserialize<ScenarioResult>(await File.ReadAllTextAsync(after, cancellationToken), Json)
                ?? throw new ArgumentException($"{after} holds no result.")
            : null;
        await using var sampler = new ProcessSampler(pids, () => Interlocked.Read(ref acceptedSoFar));
        _sampler = sampler;
        ConversationsResult? conversations = null;
        Campaigns.AudienceResult? audience = null;
        Campaigns.CampaignResult? campaign = null;
        switch (options.Scenario)
        {
            case Scenarios.Conversations or Scenarios.Agents:
                conversations = await new ConversationsScenario(options, log, _numbers, CpuSnapshot, v => acceptedSoFar = v)
                    .RunAsync(gateway, earlier?.Conversations, cancellationToken);
                break;
            case Scenarios.Audience:
                audience = await new Campaigns.AudienceScenario(options, log).RunAsync(gateway, tenants[0], cancellationToken);
                break;
            case Scenarios.Campaign:
                campaign = await new Campaigns.CampaignScenario(options, log, sampler).RunAsync(gateway, tenants[0], fake, cancellationToken);
                acceptedSoFar = campaign.Accepted;
                break;
            case Scenarios.Throughput or Scenarios.Events when earlier?.Phase(PhaseNames.Closed) is { } measured:
                phases.AddRange(earlier.Phases);
                phases.Add(await OpenPhaseAsync(measured, tenants, gateway, fake, cancellationToken));
                break;
            case Scenarios.Throughput:
                var closed = await ClosedPhaseAsync(PhaseNames.Closed, 'e', tenants, gateway, fake, null, v => acceptedSoFar = v, cancellationToken);
                phases.Add(closed);
                if (!options.Skip.Contains(PhaseNames.Open))
                {
                    phases.Add(await OpenPhaseAsync(closed, tenants, gateway, fake, cancellationToken));
                }

                if (!options.Skip.Contains(PhaseNames.Ceiling))
                {
                    phases.Add(await CeilingPhaseAsync(fakeHttp, fake, cancellationToken));
                }

                break;
            case Scenarios.Events:
                var peak = await ClosedPhaseAsync(PhaseNames.Closed, 'e', tenants, gateway, fake, null, v => acceptedSoFar = v, cancellationToken);
                phases.Add(peak);
                if (!options.Skip.Contains(PhaseNames.Open))
                {
                    phases.Add(await OpenPhaseAsync(peak, tenants, gateway, fake, cancellationToken));
                }

                break;
            case Scenarios.Contacts:
                phases.Add(await ClosedPhaseAsync(PhaseNames.Contacts, 'k', tenants, gateway, fake, options.DistinctContacts, v => acceptedSoFar = v, cancellationToken));
                log.WriteLine($"  watching the silo idle for {options.IdleWatch.TotalSeconds:F0} s (grain collection)");
                await Task.Delay(options.IdleWatch, cancellationToken);
                break;
            case Scenarios.Faults:
                await fake.SetFaultsAsync(options.FaultRetryable, options.FaultThrottled, cancellationToken);
                try
                {
                    phases.Add(await ClosedPhaseAsync(PhaseNames.Faults, 'f', tenants, gateway, fake, null, v => acceptedSoFar = v, cancellationToken));
                }
                finally
                {
                    await fake.ResetFaultsAsync(CancellationToken.None);
                }

                break;
            default:
                throw new ArgumentException($"Unknown scenario '{options.Scenario}'.");
        }

        var memory = sampler.Summary().Where(m => m.Process is "silo" or "gateway").ToList();
        var result = earlier is null
            ? new ScenarioResult(options.Scenario, options.Run, startedAt, Describe(), phases, memory, [.. sampler.Samples.Where(s => s.Process == "silo")])
            {
                ShowInTimeline = options.ShowInTimeline,
                Conversations = conversations,
                Audience = audience,
                Campaign = campaign,
            }
            : earlier with { Phases = phases, Conversations = conversations ?? earlier.Conversations, Memory = [.. memory.Select(m => m with { PeakRssMiB = Math.Max(m.PeakRssMiB, earlier.Memory.FirstOrDefault(e => e.Process == m.Process)?.PeakRssMiB ?? 0) })] };
        if (options.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Json), cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// <paramref name="contacts"/> null: warm-up then the measured duration. Otherwise: until that many distinct
    /// contacts were sent to (the warm-up still excluded from the rates).
    /// </summary>
    private async Task<PhaseResult> ClosedPhaseAsync(
        string name, char phase, IReadOnlyList<Tenant> tenants, HttpClient gateway, FakeControl fake, long? contacts,
        Action<long> progress, CancellationToken cancellationToken)
    {
        await fake.ClearLedgerAsync(cancellationToken);
        var load = new SendLoad(gateway, tenants, options.ContactsPerRequest, _numbers, phase) { Events = Events };
        var quotaAtStart = await QuotaProbe.ReadAsync(gateway, tenants, Events, cancellationToken);
        var startedAt = DateTimeOffset.UtcNow;
        var warmedUp = startedAt + options.Warmup;
        var until = warmedUp + options.Duration;
        var issuedBefore = _numbers.Issued;
        Func<bool> stop = contacts is { } n
            ? () => _numbers.Issued - issuedBefore >= n
            : () => DateTimeOffset.UtcNow >= until;
        var description = $"closed loop, {options.Concurrency} requests in flight, {options.ContactsPerRequest} {(Events ? "events" : "contacts")} each"
            + (contacts is { } c ? $", {c:N0} distinct contacts" : "");
        log.WriteLine($"  {name}: {description}");

        using var ticker = Report(name, load, progress, cancellationToken);
        var cpuAtStart = CpuSnapshot();
        await load.RunClosedAsync(options.Concurrency, stop, cancellationToken);
        var window = new SteadyWindow(warmedUp, DateTimeOffset.UtcNow);
        var drained = await Drain.WaitAsync(fake, load.Log.AcceptedMessages, options.DrainTimeout, log, cancellationToken);
        var cpu = CpuUsed(cpuAtStart);
        var (result, lost) = await AnalyseAfterDrainAsync(name, description, phase, load.Log, window, drained, fake, cancellationToken);
        result = result with
        {
            CpuMsPerThousand = PerThousand(cpu, result.AcceptedMessages),
            LostStatuses = await LostStatusesAsync(gateway, tenants, lost, cancellationToken),
            SendRequests = QuotaProbe.Used(quotaAtStart, await QuotaProbe.ReadAsync(gateway, tenants, Events, cancellationToken)),
        };
        Print(result);
        return result;
    }

    /// <summary>
    /// The ledger count the drain waits for also holds messages of requests whose answer never reached the client
    /// (a 500 or a client timeout on an accepted request), so reaching it does not prove every accepted message
    /// arrived: while some are missing and the drain timeout allows, read the ledger again.
    /// </summary>
    private async Task<(PhaseResult Result, IReadOnlyList<(RequestRecord Request, int Index)> LostSample)> AnalyseAfterDrainAsync(
        string name, string description, char phase, RequestLog requests, SteadyWindow window, double drained, FakeControl fake, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.DrainTimeout - TimeSpan.FromSeconds(drained);
        while (true)
        {
            var analysis = await PhaseAnalysis.AnalyseAsync(name, description, phase, requests, window, drained, fake, cancellationToken);
            if (analysis.Result.Lost == 0 || DateTimeOffset.UtcNow >= deadline)
            {
                return analysis;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            drained += 2;
        }
    }

    private async Task<PhaseResult> OpenPhaseAsync(
        PhaseResult closed, IReadOnlyList<Tenant> tenants, HttpClient gateway, FakeControl fake, CancellationToken cancellationToken)
    {
        // 80% of what the system kept up with: accepted AND delivered, else the backlog would grow.
        var rate = options.Rate ?? Math.Max(1, 0.8 * closed.SustainedPerSecond / options.ContactsPerRequest);
        await fake.ClearLedgerAsync(cancellationToken);
        var load = new SendLoad(gateway, tenants, options.ContactsPerRequest, _numbers, 'o') { Events = Events };
        var quotaAtStart = await QuotaProbe.ReadAsync(gateway, tenants, Events, cancellationToken);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"open loop, {rate:F1} requests/s ({rate * options.ContactsPerRequest:F0} {(Events ? "events" : "messages")}/s{(options.Rate is null ? ", 80% of the closed-loop sustained rate" : "")})");
        log.WriteLine($"  {PhaseNames.Open}: {description}");
        var startedAt = DateTimeOffset.UtcNow;
        // The rate ramps up over the warm-up, then holds for another warm-up before the window opens.
        var warmedUp = startedAt + (2 * options.Warmup);
        using var ticker = Report(PhaseNames.Open, load, _ => { }, cancellationToken);
        var cpuAtStart = CpuSnapshot();
        await load.RunOpenAsync(rate, options.Warmup, warmedUp + options.Duration, maxInFlight: Math.Max(256, options.Concurrency * 8), cancellationToken);
        var window = new SteadyWindow(warmedUp, DateTimeOffset.UtcNow);
        var drained = await Drain.WaitAsync(fake, load.Log.AcceptedMessages, options.DrainTimeout, log, cancellationToken);
        var cpu = CpuUsed(cpuAtStart);
        var (result, lost) = await AnalyseAfterDrainAsync(PhaseNames.Open, description, 'o', load.Log, window, drained, fake, cancellationToken);
        result = result with
        {
            CpuMsPerThousand = PerThousand(cpu, result.AcceptedMessages),
            LostStatuses = await LostStatusesAsync(gateway, tenants, lost, cancellationToken),
            SendRequests = QuotaProbe.Used(quotaAtStart, await QuotaProbe.ReadAsync(gateway, tenants, Events, cancellationToken)),
        };
        Print(result);
        return result;
    }

    private async Task<PhaseResult> CeilingPhaseAsync(HttpClient fakeHttp, FakeControl fake, CancellationToken cancellationToken)
    {
        var concurrency = options.CeilingConcurrency ?? options.Orgs * options.SenderMaxCallsPerChannel;
        await fake.ClearLedgerAsync(cancellationToken);
        var ceiling = new CeilingLoad(fakeHttp, options.TwilioAccountSid, options.TwilioAuthToken, _numbers);
        var description = $"Twilio form posts straight to the fake, {concurrency} in flight (orgs × SENDER_MAX_CALLS_PER_CHANNEL)";
        log.WriteLine($"  {PhaseNames.Ceiling}: {description}");
        var warmedUp = DateTimeOffset.UtcNow + options.Warmup;
        var cpuAtStart = CpuSnapshot();
        await ceiling.RunAsync(concurrency, warmedUp + options.Duration, cancellationToken);
        var cpu = CpuUsed(cpuAtStart);
        var window = new SteadyWindow(warmedUp, DateTimeOffset.UtcNow);
        var result = await PhaseAnalysis.AnalyseCeilingAsync(description, ceiling, window, fake, cancellationToken);
        result = result with { CpuMsPerThousand = PerThousand(cpu, ceiling.Created) };
        await fake.ClearLedgerAsync(cancellationToken);
        log.WriteLine(Inv($"    ceiling: {result.ProviderPerSecond:F0} provider calls/s ({ceiling.Failed} failed), CPU ms per 1,000 [{string.Join(' ', result.CpuMsPerThousand.Select(c => $"{c.Key} {c.Value:F0}"))}]"));
        return result;
    }

    /// <summary>Why lost messages never reached the provider, as the API tells for a sample of them (e.g. "failed circuit-open").</summary>
    private static async Task<IReadOnlyDictionary<string, long>> LostStatusesAsync(
        HttpClient gateway, IReadOnlyList<Tenant> tenants, IReadOnlyList<(RequestRecord Request, int Index)> lost, CancellationToken cancellationToken)
    {
        var statuses = new SortedDictionary<string, long>();
        foreach (var (request, index) in lost)
        {
            var key = "unknown";
            if (request.MessageId(index) is { } id)
            {
                using var get = new HttpRequestMessage(HttpMethod.Get, $"/v1/messages/{id}");
                get.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tenants[request.Tenant].ApiKey);
                using var response = await gateway.SendAsync(get, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    var status = json.RootElement.GetProperty("status").GetString();
                    var code = json.RootElement.TryGetProperty("errorCode", out var c) ? c.GetString() : null;
                    var attempts = json.RootElement.GetProperty("attempts").GetInt32();
                    key = Inv($"{status}{(code is null ? "" : " " + code)} after {attempts} attempts");
                }
                else
                {
                    key = Inv($"GET answered {(int)response.StatusCode}");
                }
            }

            statuses[key] = statuses.GetValueOrDefault(key) + 1;
        }

        return statuses;
    }

    private bool Events => options.Scenario == Scenarios.Events;

    private IReadOnlyDictionary<string, double> CpuSnapshot() => _sampler?.CpuSnapshot() ?? new Dictionary<string, double>();

    private Dictionary<string, double> CpuUsed(IReadOnlyDictionary<string, double> atStart) =>
        CpuSnapshot().Where(p => atStart.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value - atStart[p.Key]);

    /// <summary>
    /// CPU per 1,000 messages, from the start of the load to the end of the drain (every message accepted and
    /// delivered once in that span): a cost that holds up on a shared, noisy machine where rates do not.
    /// </summary>
    private static Dictionary<string, double> PerThousand(Dictionary<string, double> cpuSeconds, long messages) =>
        messages <= 0 ? [] : cpuSeconds.ToDictionary(p => p.Key, p => Math.Round(p.Value * 1000 * 1000 / messages, 1));

    /// <summary>A line every 5 s while the load runs, so a long run shows it is alive.</summary>
    private Timer Report(string name, SendLoad load, Action<long> progress, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        long last = 0;
        return new Timer(_ =>
        {
            var accepted = load.Log.AcceptedMessages;
            progress(accepted);
            if (!cancellationToken.IsCancellationRequested)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {name} +{(DateTimeOffset.UtcNow - started).TotalSeconds:F0}s: {accepted:N0} accepted ({(accepted - last) / 5.0:F0}/s)"));
            }

            last = accepted;
        }, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    private void Print(PhaseResult r) => log.WriteLine(
        Inv($"    {r.Name}: accepted {r.AcceptedPerSecond:F0} msg/s, provider {r.ProviderPerSecond:F0} msg/s, ") +
        Inv($"send p50/p95/p99 {r.SendLatencyMs.P50:F0}/{r.SendLatencyMs.P95:F0}/{r.SendLatencyMs.P99:F0} ms, ") +
        Inv($"accept→provider p50/p99 {r.AcceptToProviderMs.P50:F0}/{r.AcceptToProviderMs.P99:F0} ms, ") +
        Inv($"lost {r.Lost}, duplicated {r.Duplicated}, unacknowledged {r.Unacknowledged}, rejected contacts {r.RejectedContacts}, busy 503s {r.BusyAnswers}, ") +
        Inv($"non-202 [{string.Join(' ', r.Statuses.Select(s => $"{s.Key}×{s.Value}"))}], drain {r.DrainSeconds:F1} s, ") +
        Inv($"CPU ms per 1,000 messages [{string.Join(' ', r.CpuMsPerThousand.Select(c => $"{c.Key} {c.Value:F0}"))}]") +
        (r.StartToProviderMs is { } s ? Inv($", start→provider p50/p99 {s.P50:F0}/{s.P99:F0} ms") : "") +
        (r.SendRequests is { } n ? Inv($", send requests {n}") : "") +
        (r.LostStatuses.Count == 0 ? "" : Inv($"; a sample of the lost: {string.Join(", ", r.LostStatuses.Select(s => $"{s.Value}× {s.Key}"))}")));

    private string Describe() =>
        options.Scenario == Scenarios.Audience ? Inv($"rows={options.AudienceRows} (CSV, 5 columns, one row in {Campaigns.AudienceScenario.InvalidEvery} invalid)") :
        options.Scenario == Scenarios.Campaign ? Inv($"rows={options.AudienceRows}{(options.CampaignSendRows is { } sent ? Inv($" sent={sent}") : "")} (CSV, one row in {Campaigns.AudienceScenario.InvalidEvery} invalid) hourly-limit={options.HourlyLimit} quota-share={options.QuotaShare} kill-at={(options.Control is null ? 0 : options.KillAt)}") :
        Events
            ? Inv($"orgs=1 triggers=1 concurrency={options.Concurrency} events/POST={options.ContactsPerRequest} warmup={options.Warmup.TotalSeconds:F0}s duration={options.Duration.TotalSeconds:F0}s") +
                (options.Rate is { } eventsRate ? Inv($" rate={eventsRate} POSTs/s") : "")
        : options.Scenario is Scenarios.Conversations or Scenarios.Agents
            ? Inv($"orgs={options.Orgs} concurrency={options.Concurrency} warmup={options.Warmup.TotalSeconds:F0}s duration={options.Duration.TotalSeconds:F0}s ") +
                Inv($"agents={options.Agents?.ToString(CultureInfo.InvariantCulture) ?? (options.Scenario == Scenarios.Agents ? "10000" : "800")} ") +
                (options.Scenario == Scenarios.Agents ? Inv($"conversations={options.Conversations}") : Inv($"capacity={options.Capacity}")) +
                Inv($" agent-streams/org={options.AgentStreams}") + (options.Rate is { } r ? Inv($" rate={r}") : "")
            : Inv($"orgs={options.Orgs} concurrency={options.Concurrency} contacts/request={options.ContactsPerRequest} ") +
        Inv($"warmup={options.Warmup.TotalSeconds:F0}s duration={options.Duration.TotalSeconds:F0}s") +
        Inv($" show-in-timeline={(options.ShowInTimeline ? "on" : "off")}") +
        (options.Scenario == Scenarios.Contacts ? Inv($" contacts={options.DistinctContacts} idle-watch={options.IdleWatch.TotalSeconds:F0}s") : "") +
        (options.Scenario == Scenarios.Faults ? Inv($" retryable={options.FaultRetryable} throttled={options.FaultThrottled}") : "") +
        (options.Rate is { } rate ? Inv($" rate={rate}") : "");

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static async Task WaitReadyAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(path, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{http.BaseAddress}{path.TrimStart('/')} did not answer within 60 s.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
