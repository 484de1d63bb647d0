using System.Text.Json;
using Outbound.Bench;
using Outbound.Bench.Load;
using Outbound.Bench.Measure;
using Outbound.Bench.Report;
using Outbound.Chaos.Faults;
using Outbound.Chaos.Measure;
using Outbound.Chaos.Report;
using Outbound.Chaos.Setup;
using Outbound.Chaos.Stack;
using static System.FormattableString;

namespace Outbound.Chaos;

/// <summary>
/// One chaos run: starts the stack, sets the tenant up through the API, drives a tagged open-loop load over both
/// gateways and both providers while the faults run on their schedule, clears the faults, waits until every
/// accepted message is final, and judges the promise from the fake's ledger and the messages' statuses. The
/// in-process entry point, used by <c>Program</c> and by <c>Tests/Reliability/ChaosTests.cs</c>.
/// </summary>
public sealed class ChaosRunner(ChaosOptions options, TextWriter log)
{
    /// <summary>
    /// The ledger stopped growing this long: what is still missing waits for a retry or a reconciliation, or ended
    /// in a recorded failure, and the status sweep follows it from there.
    /// </summary>
    private static readonly TimeSpan LedgerStall = TimeSpan.FromSeconds(10);

    private readonly List<(ProcessSampler Sampler, IReadOnlyDictionary<string, double> CpuAtStart)> _samplers = [];

    public static JsonSerializerOptions Json => BenchRunner.Json;

    public async Task<ChaosResult> RunAsync(CancellationToken cancellationToken)
    {
        log.WriteLine($"chaos: {options.Describe()}");
        await using var stack = await ChaosStack.StartAsync(options, log, cancellationToken);
        log.WriteLine($"  logs: {stack.Logs}");
        var gateways = stack.GatewayUrls.Select(BenchHttp.Create).ToList();
        using var fakeHttp = BenchHttp.Create(stack.FakeUrl);
        try
        {
            var fake = new FakeControl(fakeHttp);
            var targets = await ChaosSetup.CreateAsync(gateways[0], stack.GatewayUrls[0], stack.FakeUrl, fake, options, cancellationToken);
            await fake.ResetFaultsAsync(cancellationToken);
            await fake.ClearLedgerAsync(cancellationToken);

            var load = new SendLoad(gateways, [.. targets.Select(t => t.Tenant)], options.ContactsPerRequest, new ContactNumbers(), ChaosAnalysis.Phase,
                new SendRetry(OnFailures: true, options.GiveUpAfter, options.AttemptTimeout, Pause: TimeSpan.FromSeconds(1)));
            var clock = new RunClock();
            var quota = new QuotaRunOut(gateways[0], targets[0].Tenant, options, clock, log);
            // Moved by the rolling restart's end while the load reads it: ticks, so it is read whole.
            var loadEndTicks = (clock.StartedAt + options.Duration).UtcTicks;
            DateTimeOffset LoadEnd() => new(Interlocked.Read(ref loadEndTicks), TimeSpan.Zero);
            var schedule = new FaultSchedule(options, stack, fake, log)
            {
                Org = targets[0].Tenant.OrgId,
                // The load then goes on for the tail, in which the quota runs out.
                RollingRestartEnded = async token =>
                {
                    var end = DateTimeOffset.UtcNow + options.RollingTail;
                    if (end < LoadEnd())
                    {
                        Interlocked.Exchange(ref loadEndTicks, end.UtcTicks);
                    }

                    if (options.QuotaRunsOut)
                    {
                        await quota.SetAsync(LoadEnd(), token);
                    }
                },
            };
            stack.SiloStarted += (number, pid) => Sample(new() { [$"silo-{number} (restarted)"] = pid }, load);
            Sample(new Dictionary<string, int>(Enumerable.Range(1, options.Silos).Select(n => KeyValuePair.Create($"silo-{n}", stack.Silo(n)!.Pid)))
            {
                ["azurite"] = stack.Azurite.Pid,
                ["runner"] = Environment.ProcessId,
            }, load);

            if (options.QuotaRunsOut)
            {
                await quota.BeginAsync(cancellationToken);
            }

            log.WriteLine(Invariant($"  load: {options.Rate:0.##} requests/s of {options.ContactsPerRequest} contacts for {options.Duration.TotalSeconds:F0} s, over {targets.Count} configurations and {gateways.Count} gateways"));
            await LoadUnderFaultsAsync(clock, load, schedule, fake, LoadEnd, cancellationToken);
            if (options.RollingRestart.Enabled)
            {
                await schedule.SnapshotActivationsAsync("at the end of the load", clock, cancellationToken);
            }

            log.WriteLine(Invariant($"  +{clock.Seconds:F1}s load over and faults cleared: {load.Log.AcceptedMessages:N0} messages accepted; draining"));
            var ledgerSeconds = await Drain.WaitAsync(fake, load.Log.AcceptedMessages, options.DrainTimeout, log, cancellationToken, LedgerStall);
            var sweep = new StatusSweep(gateways, targets, log);
            var statusSeconds = await sweep.RunAsync(load.Log, options.DrainTimeout - TimeSpan.FromSeconds(ledgerSeconds), options.SweepInterval, cancellationToken);

            ChaosResult result;
            await using (var messages = options.Messages is { } csv ? new StreamWriter(csv) : null)
            {
                result = await ChaosAnalysis.AnalyseAsync(
                    options, targets, load.Log, sweep, fake, clock, schedule.Records, new DrainTimes(ledgerSeconds, statusSeconds), messages, cancellationToken);
            }

            result = result with { Memory = [.. _samplers.SelectMany(s => s.Sampler.Summary())], CpuSeconds = CpuUsed(), Logs = stack.Logs };
            if (options.RollingRestart.Enabled)
            {
                result = RollingRestartAnalysis.Judge(result, options, load.Log, clock, schedule, await quota.CheckAsync(load.Log, cancellationToken));
            }

            Print(result);
            await WriteAsync(result, cancellationToken);
            return result;
        }
        finally
        {
            foreach (var (sampler, _) in _samplers)
            {
                await sampler.DisposeAsync();
            }

            foreach (var gateway in gateways)
            {
                gateway.Dispose();
            }
        }
    }

    /// <summary>The load, with the faults on their schedule beside it; the faults are cleared however it ends.</summary>
    private async Task LoadUnderFaultsAsync(RunClock clock, SendLoad load, FaultSchedule schedule, FakeControl fake, Func<DateTimeOffset> loadEnd, CancellationToken cancellationToken)
    {
        using var stopFaults = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ProgressAsync(clock, load, fake, stopFaults.Token);
        var faults = schedule.RunAsync(clock, stopFaults.Token);
        try
        {
            await load.RunOpenAsync(options.Rate, TimeSpan.Zero, loadEnd, options.MaxInFlight, cancellationToken);
            await faults;
        }
        finally
        {
            await stopFaults.CancelAsync();
            // A fault's failure was thrown above; when the load failed instead, it no longer matters.
            await Task.WhenAll(faults, progress).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await schedule.ClearAsync();
        }
    }

    private void Sample(Dictionary<string, int> pids, SendLoad load)
    {
        var sampler = new ProcessSampler(pids, () => load.Log.AcceptedMessages);
        lock (_samplers)
        {
            _samplers.Add((sampler, sampler.CpuSnapshot()));
        }
    }

    /// <summary>CPU seconds per process since its sampling began (a killed process's time is gone with it).</summary>
    private Dictionary<string, double> CpuUsed()
    {
        lock (_samplers)
        {
            return _samplers
                .SelectMany(s => s.Sampler.CpuSnapshot().Select(c => KeyValuePair.Create(c.Key, Math.Round(c.Value - s.CpuAtStart.GetValueOrDefault(c.Key), 1))))
                .ToDictionary(c => c.Key, c => c.Value);
        }
    }

    /// <summary>A line every 10 s while the load runs, so a long run shows it is alive and what the faults do to it.</summary>
    private async Task ProgressAsync(RunClock clock, SendLoad load, FakeControl fake, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        long lastAccepted = 0, lastLedger = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var accepted = load.Log.AcceptedMessages;
                var ledger = await fake.CountAsync(cancellationToken);
                log.WriteLine(Invariant($"    +{clock.Seconds:F0}s: {accepted:N0} accepted ({(accepted - lastAccepted) / 10.0:F0}/s), {ledger:N0} at the provider ({(ledger - lastLedger) / 10.0:F0}/s)"));
                (lastAccepted, lastLedger) = (accepted, ledger);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
        }
    }

    private void Print(ChaosResult r)
    {
        var t = r.Total;
        log.WriteLine(Invariant($"  accepted {t.Accepted:N0}, lost {t.Lost:N0}, duplicated {t.DuplicatedMessages:N0} (") +
            string.Join(", ", r.Providers.Select(p => Invariant($"{p.Provider} {p.DuplicatedMessages:N0}, {p.DuplicatedAmbiguous:N0} ambiguous"))) +
            Invariant($"), ambiguous {t.Ambiguous:N0}, failed {t.Failed:N0}, not final {t.NonFinal:N0}, unacknowledged {r.Load.Unacknowledged:N0}"));
        log.WriteLine(r.Verdict.Passed ? "  verdict: passed" : "  verdict: FAILED: " + string.Join("; ", r.Verdict.Violations));
    }

    private async Task WriteAsync(ChaosResult result, CancellationToken cancellationToken)
    {
        if (options.Out is { } json)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, Json), cancellationToken);
        }

        if (options.Markdown is { } markdown)
        {
            await ChaosReport.WriteAsync(markdown, result, options.Command, cancellationToken);
        }
    }
}
