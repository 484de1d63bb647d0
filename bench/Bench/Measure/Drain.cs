using System.Diagnostics;

namespace Outbound.Bench.Measure;

/// <summary>After the load stops: waits until the fake has received as many messages as were accepted.</summary>
public static class Drain
{
    /// <param name="stalledFor">
    /// Also return once the count has not grown for this long (null: never): messages that end in a recorded failure
    /// never reach the fake, and the caller has other ways to tell them from lost ones.
    /// </param>
    /// <returns>Seconds waited. On timeout it returns anyway: the ledger analysis then counts what was lost.</returns>
    public static async Task<double> WaitAsync(
        FakeControl fake, long expected, TimeSpan timeout, TextWriter log, CancellationToken cancellationToken, TimeSpan? stalledFor = null)
    {
        var started = Stopwatch.GetTimestamp();
        var lastReport = started;
        var lastGrowth = started;
        long count, previous = -1;
        while ((count = await fake.CountAsync(cancellationToken)) < expected)
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                log.WriteLine($"  drain: gave up after {timeout.TotalSeconds:F0} s with {count:N0} of {expected:N0} messages at the provider");
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            if (count != previous)
            {
                previous = count;
                lastGrowth = Stopwatch.GetTimestamp();
            }
            else if (stalledFor is { } stall && Stopwatch.GetElapsedTime(lastGrowth) > stall)
            {
                log.WriteLine($"  drain: {count:N0} of {expected:N0} at the provider, none more for {stall.TotalSeconds:F0} s");
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            if (Stopwatch.GetElapsedTime(lastReport) > TimeSpan.FromSeconds(10))
            {
                log.WriteLine($"  drain: {count:N0} of {expected:N0} at the provider");
                lastReport = Stopwatch.GetTimestamp();
            }

            await Task.Delay(250, cancellationToken);
        }

        var drained = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // A resend after the last expected message would be a duplicate: give it a moment to show up.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return drained;
    }
}
