namespace Outbound.ProviderFake.Faults;

/// <summary>The time-based faults: added latency and the held ("timed out") request.</summary>
public static class FaultTiming
{
    public static Task AddLatencyAsync(FaultConfig config, CancellationToken cancellationToken) =>
        config.LatencyMs > 0 ? Task.Delay(config.LatencyMs, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Holds the request for <see cref="FaultConfig.TimeoutMs"/>. Returns true when the caller should still answer;
    /// false when the client went away or the connection was dropped on purpose.
    /// </summary>
    public static async Task<bool> HoldAsync(HttpContext context, FaultConfig config)
    {
        try
        {
            await Task.Delay(config.TimeoutMs, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (config.TimeoutDrop)
        {
            // A reset instead of an answer: what a client sees when a proxy on the way gives up.
            context.Abort();
            return false;
        }

        return true;
    }
}
