using Outbound.Bench.Measure;
using Outbound.Chaos.Measure;
using Outbound.Chaos.Stack;
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

    private readonly SemaphoreSlim _fakeFaults = new(1, 1);
    private readonly List<FaultRecord> _records = [];
    private bool _slow;
    private bool _outage;
    private bool _stalled;

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

        return Task.WhenAll(faults);
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
