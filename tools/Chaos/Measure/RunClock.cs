using System.Diagnostics;

namespace Outbound.Chaos.Measure;

/// <summary>The run's clock: seconds since the load started, on the monotonic clock, and wall-clock times mapped onto it.</summary>
public sealed class RunClock
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public double Seconds => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>A wall-clock time (a 202's arrival, a ledger row's receipt: same machine, same clock) in run seconds.</summary>
    public double SecondsAt(DateTimeOffset at) => (at - StartedAt).TotalSeconds;

    public Task DelayUntilAsync(TimeSpan offset, CancellationToken cancellationToken)
    {
        var wait = offset - Stopwatch.GetElapsedTime(_started);
        return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
    }
}
