using Outbound.Bench.Measure;
using Outbound.Chaos.Measure;
using Outbound.Chaos.Stack;
using Orleans;
using Orleans.Runtime;
using static System.FormattableString;

namespace Outbound.Chaos.Faults;

/// <summary>One fault as it ran: its times in run seconds (since the load started) and on the wall clock.</summary>
public sealed record FaultRecord(string Name, string Description, double? StartSeconds, double? EndSeconds, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
{
    /// <summary>What happened beyond the plan, e.g. how long a restarted silo took to be ready.</summary>
    public string? Note { get; init; }
}

/// <summary>
/// Runs the planned faults against the stack while the load runs, each at its time, and records when each really
/// began and ended. The fake's faults are one global configuration, so the slow provider and the outage are merged
/// into it: while the outage lasts every request gets a 503, which a held request would only hide.
/// </summary>
public sealed class FaultSchedule(ChaosOptions options, ChaosStack stack, FakeControl fake, TextWriter log)
{
    public const string Slow = "slow provider";
    public const string Outage = "provider outage";
    public const string Stall = "storage stall";
    public const string Crash = "silo crash";
    public const string Restart = "rolling restart";
    public const string Kill = "silo killed";

    private readonly SemaphoreSlim _fakeFaults = new(1, 1);
    private readonly List<FaultRecord> _records = [];
    private bool _slow;
    private bool _outage;
    private bool _stalled;

    /// <summary>The rolling restart's last step (the killed silo ready again), in run seconds; null until then.</summary>
    public double? RollingRestartEndedAt { get; private set; }

    /// <summary>From the SIGKILL until the membership table said the silo was Dead; null if it was not seen within a minute.</summary>
    public double? DeathDeclaredAfterSeconds { get; private set; }

    /// <summary>Activations per silo at the moments the rolling restart names (before it, after the graceful part...).</summary>
    public List<ActivationSnapshot> Activations { get; } = [];

    /// <summary>The org the load sends for: whether its grain (the quota's count) lived on the killed silo is recorded.</summary>
    public Guid? Org { get; init; }

    /// <summary>Whether the org's grain was on the silo the rolling restart SIGKILLed; null when not known.</summary>
    public bool? OrgGrainKilled { get; private set; }

    /// <summary>Called when the rolling restart is over, before the load ends (the runner makes the quota run out then).</summary>
    public Func<CancellationToken, Task>? RollingRestartEnded { get; init; }

    public IReadOnlyList<FaultRecord> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records.OrderBy(r => r.StartSeconds ?? double.MaxValue)];
            }
        }
    }

    /// <summary>Runs every enabled fault; completes when the last one has ended (a crashed silo is back and ready).</summary>
    public Task RunAsync(RunClock clock, CancellationToken cancellationToken)
    {
        var faults = new List<Task>();
        if (options.Slow.Enabled)
        {
            var description = Invariant($"{options.SlowShare:P0} of provider requests held {options.SlowHold.TotalSeconds:0.#} s, then accepted (PROVIDER_TIMEOUT_SECONDS={options.ProviderTimeoutSeconds})");
            faults.Add(WindowAsync(Slow, description, options.Slow, clock,
                () => SetFakeFaultsAsync(slow: true, outage: null, cancellationToken),
                () => SetFakeFaultsAsync(slow: false, outage: null, cancellationToken), cancellationToken));
        }

        if (options.Outage.Enabled)
        {
            faults.Add(WindowAsync(Outage, "every provider request answered 503", options.Outage, clock,
                () => SetFakeFaultsAsync(slow: null, outage: true, cancellationToken),
                () => SetFakeFaultsAsync(slow: null, outage: false, cancellationToken), cancellationToken));
        }

        if (options.Stall.Enabled)
        {
            faults.Add(WindowAsync(Stall, "Azurite paused with SIGSTOP, then SIGCONT", options.Stall, clock,
                () =>
                {
                    _stalled = true;
                    stack.Azurite.Pause();
                    return Task.FromResult<string?>(null);
                },
                () =>
                {
                    stack.Azurite.Resume();
                    _stalled = false;
                    return Task.FromResult<string?>(null);
                }, cancellationToken));
        }

        if (options.Crash.Enabled)
        {
            var silo = options.CrashSilo;
            faults.Add(WindowAsync(Crash, Invariant($"silo {silo} SIGKILLed, started again {options.Crash.For.TotalSeconds:0.#} s later"), options.Crash, clock,
                () =>
                {
                    stack.KillSilo(silo);
                    return Task.FromResult<string?>(null);
                },
                async () =>
                {
                    var restartedAt = clock.Seconds;
                    await stack.StartSiloAsync(silo, cancellationToken);
                    return Invariant($"started again at {restartedAt:F1} s, ready {clock.Seconds - restartedAt:F1} s later (the end)");
                }, cancellationToken));
        }

        if (options.RollingRestart.Enabled)
        {
            faults.Add(RollingRestartAsync(clock, cancellationToken));
        }

        return Task.WhenAll(faults);
    }

    /// <summary>Reads how many activations each live silo hosts, by silo number, and keeps it under <paramref name="name"/>.</summary>
    public async Task SnapshotActivationsAsync(string name, RunClock clock, CancellationToken cancellationToken)
    {
        var at = clock.Seconds;
        try
        {
            var management = stack.Cluster.GetGrain<IManagementGrain>(0);
            var statistics = await management.GetSimpleGrainStatistics().WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            var silos = new SortedDictionary<int, SiloActivations>(Enumerable.Range(1, options.Silos).ToDictionary(n => n, _ => new SiloActivations(0, 0)));
            foreach (var statistic in statistics)
            {
                var number = Enumerable.Range(1, options.Silos).FirstOrDefault(n => stack.SiloPort(n) == statistic.SiloAddress.Endpoint.Port);
                if (number == 0)
                {
                    continue;
                }

                var batches = statistic.GrainType.Contains("SendBatch", StringComparison.OrdinalIgnoreCase) ? statistic.ActivationCount : 0;
                silos[number] = new SiloActivations(silos[number].Activations + statistic.ActivationCount, silos[number].SendBatches + batches);
            }

            lock (Activations)
            {
                Activations.Add(new ActivationSnapshot(name, Math.Round(at, 1), silos.ToDictionary(s => Invariant($"silo-{s.Key}"), s => s.Value)));
            }

            log.WriteLine(Invariant($"  +{at:F1}s activations {name}: ") + string.Join(", ", silos.Select(s => Invariant($"silo {s.Key} {s.Value.Activations:N0} ({s.Value.SendBatches:N0} batches)"))));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            log.WriteLine(Invariant($"  +{at:F1}s activations {name}: not read ({e.GetType().Name}: {e.Message})"));
        }
    }

    /// <summary>
    /// Each silo in turn: SIGTERM, exit, started again, ready; then one more SIGKILLed and started again. One step at a
    /// time, as a Deployment with maxUnavailable 1 does it; the steps are recorded as faults so the report shows the
    /// system before, during and after each.
    /// </summary>
    private async Task RollingRestartAsync(RunClock clock, CancellationToken cancellationToken)
    {
        await clock.DelayUntilAsync(options.RollingRestart.At, cancellationToken);
        await SnapshotActivationsAsync("before the rolling restart", clock, cancellationToken);
        for (var silo = 1; silo <= options.Silos; silo++)
        {
            if (silo > 1)
            {
                await Task.Delay(options.RollingRestart.For, cancellationToken);
            }

            var number = silo;
            await StepAsync(Restart, Invariant($"silo {number}: SIGTERM, exit, started again, ready"), clock, async () =>
            {
                var stopping = clock.Seconds;
                var graceful = await stack.StopSiloAsync(number, options.StopTimeout, cancellationToken);
                var exited = clock.Seconds;
                UngracefulStops += graceful ? 0 : 1;
                await stack.StartSiloAsync(number, cancellationToken);
                return Invariant($"exited {exited - stopping:F1} s after SIGTERM{(graceful ? "" : $" (SIGKILLed: still running after {options.StopTimeout.TotalSeconds:0} s)")}, ready {clock.Seconds - exited:F1} s after its start");
            });
        }

        await SnapshotActivationsAsync("after the graceful restarts", clock, cancellationToken);
        await Task.Delay(options.RollingRestart.For, cancellationToken);
        var killed = options.CrashSilo;
        await StepAsync(Kill, Invariant($"silo {killed}: SIGKILL, started again {options.RollingKillFor.TotalSeconds:0.#} s later, ready"), clock, async () =>
        {
            var address = await ActiveAddressAsync(killed, cancellationToken);
            OrgGrainKilled = await HostsOrgGrainAsync(address, cancellationToken);
            var killedAt = clock.Seconds;
            stack.KillSilo(killed);
            var death = WaitForDeathAsync(address, clock, killedAt, cancellationToken);
            await Task.Delay(options.RollingKillFor, cancellationToken);
            var startedAt = clock.Seconds;
            await stack.StartSiloAsync(killed, cancellationToken);
            await death;
            return Invariant($"declared Dead {(DeathDeclaredAfterSeconds is { } d ? $"{d:F1} s" : "(not seen)")} after the SIGKILL; started again at +{startedAt:F1} s, ready {clock.Seconds - startedAt:F1} s later");
        });
        RollingRestartEndedAt = clock.Seconds;
        if (RollingRestartEnded is { } ended)
        {
            await ended(cancellationToken);
        }
    }

    /// <summary>Silos that did not exit within the stop timeout after SIGTERM and were SIGKILLed instead.</summary>
    public int UngracefulStops { get; private set; }

    private async Task StepAsync(string name, string description, RunClock clock, Func<Task<string>> step)
    {
        var started = (Seconds: clock.Seconds, At: DateTimeOffset.UtcNow);
        log.WriteLine(Invariant($"  +{started.Seconds:F1}s {name} begins: {description}"));
        var record = new FaultRecord(name, description, started.Seconds, null, started.At, null);
        lock (_records)
        {
            _records.Add(record);
        }

        var note = await step();
        var ended = record with { EndSeconds = clock.Seconds, EndedAt = DateTimeOffset.UtcNow, Note = note };
        lock (_records)
        {
            _records[_records.IndexOf(record)] = ended;
        }

        log.WriteLine(Invariant($"  +{ended.EndSeconds:F1}s {name} ends: {note}"));
    }

    /// <summary>The silo's address in the cluster (its generation included), so its own entry can be watched turn Dead.</summary>
    private async Task<SiloAddress?> ActiveAddressAsync(int number, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await stack.Cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return hosts.Keys.FirstOrDefault(a => a.Endpoint.Port == stack.SiloPort(number));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return null;
        }
    }

    /// <summary>Whether the silo hosts the org's grain: its count of the hour's requests, and the batches it counted lately.</summary>
    private async Task<bool?> HostsOrgGrainAsync(SiloAddress? address, CancellationToken cancellationToken)
    {
        if (address is null || Org is not { } org)
        {
            return null;
        }

        try
        {
            var grains = await stack.Cluster.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, [address]).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return grains.Any(g => g.GrainType.Contains("OrgGrain", StringComparison.Ordinal)
                && g.GrainId.ToString().Contains(org.ToString("N"), StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return null;
        }
    }

    /// <summary>Polls the membership until the killed silo's entry says Dead (a minute at most), and records how long that took.</summary>
    private async Task WaitForDeathAsync(SiloAddress? address, RunClock clock, double killedAt, CancellationToken cancellationToken)
    {
        if (address is null)
        {
            return;
        }

        var management = stack.Cluster.GetGrain<IManagementGrain>(0);
        while (clock.Seconds - killedAt < 60)
        {
            try
            {
                var hosts = await management.GetHosts(onlyActive: false).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                if (hosts.TryGetValue(address, out var status) && status == SiloStatus.Dead)
                {
                    DeathDeclaredAfterSeconds = Math.Round(clock.Seconds - killedAt, 2);
                    return;
                }
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // The management grain itself may have lived on the killed silo: asked again until it is back.
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Undoes whatever is still in effect (after a failure or Ctrl-C): Azurite resumed, the fake without faults.</summary>
    public async Task ClearAsync()
    {
        if (_stalled)
        {
            stack.Azurite.Resume();
            _stalled = false;
        }

        _slow = _outage = false;
        await fake.ResetFaultsAsync(CancellationToken.None);
    }

    private async Task WindowAsync(
        string name, string description, FaultPlan plan, RunClock clock, Func<Task<string?>> begin, Func<Task<string?>> end, CancellationToken cancellationToken)
    {
        await clock.DelayUntilAsync(plan.At, cancellationToken);
        var started = (Seconds: clock.Seconds, At: DateTimeOffset.UtcNow);
        log.WriteLine(Invariant($"  +{started.Seconds:F1}s fault begins: {name} ({description})"));
        var record = new FaultRecord(name, description, started.Seconds, null, started.At, null);
        lock (_records)
        {
            _records.Add(record);
        }

        await begin();
        await clock.DelayUntilAsync(plan.At + plan.For, cancellationToken);
        var note = await end();
        var ended = record with { EndSeconds = clock.Seconds, EndedAt = DateTimeOffset.UtcNow, Note = note };
        lock (_records)
        {
            _records[_records.IndexOf(record)] = ended;
        }

        log.WriteLine(Invariant($"  +{ended.EndSeconds:F1}s fault ends: {name}{(note is null ? "" : $"; {note}")}"));
    }

    /// <summary>Sets one of the fake's faults on or off (null: as it is) and puts their merge in place.</summary>
    private async Task<string?> SetFakeFaultsAsync(bool? slow, bool? outage, CancellationToken cancellationToken)
    {
        await _fakeFaults.WaitAsync(cancellationToken);
        try
        {
            _slow = slow ?? _slow;
            _outage = outage ?? _outage;
            if (_outage)
            {
                await fake.SetFaultsAsync(new { retryable = 1.0 }, cancellationToken);
            }
            else if (_slow)
            {
                await fake.SetFaultsAsync(new { timeout = options.SlowShare, timeoutMs = (int)options.SlowHold.TotalMilliseconds, timeoutAccepted = true }, cancellationToken);
            }
            else
            {
                await fake.ResetFaultsAsync(cancellationToken);
            }
        }
        finally
        {
            _fakeFaults.Release();
        }

        return null;
    }
}
