namespace Outbound.Tests.Infrastructure;

/// <summary>
/// The real clock plus an offset the test moves forward: timers keep real durations, but whatever compares
/// timestamps (a delivery deadline) sees the time jump, so a day can pass in a test without waiting for it.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Back to the real time, for the next test (what signs requests with the time, like ACS, needs it).</summary>
    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
