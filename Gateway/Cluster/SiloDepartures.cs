namespace Outbound.Gateway.Cluster;

/// <summary>
/// Grain calls repeated when a silo left the cluster under them, as in a rolling restart or a crash: Orleans rejects a
/// call whose silo cannot be reached (it never ran, so any call may be repeated), and fails one whose silo went away
/// while it ran (it may have run: only calls the grain accepts twice are repeated then). Without this, each such call
/// would reach the client as a 503 until the membership caught up, a few seconds later. A failure that took long is
/// not repeated: that is storage or an overloaded cluster, which a repeat at once would only wait on again.
/// </summary>
public static class SiloDepartures
{
    /// <summary>After 0.25, 0.5, 1 and 2 s: together longer than the membership takes to declare a crashed silo dead.</summary>
    private const int Attempts = 5;

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FastFailure = TimeSpan.FromSeconds(3);

    /// <param name="idempotent">The grain accepts the call twice with the same effect (a batch keyed by its request).</param>
    /// <param name="repeatResult">A result that says the silo left as well (a batch's "unavailable" receipt); null: none does.</param>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, bool idempotent, TimeProvider time, Func<T, bool>? repeatResult = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = time.GetTimestamp();
            try
            {
                var result = await call();
                if (repeatResult?.Invoke(result) != true || !Repeat(attempt, time.GetElapsedTime(started)))
                {
                    return result;
                }
            }
            catch (Exception e) when (Left(e, idempotent) && Repeat(attempt, time.GetElapsedTime(started)))
            {
            }

            await Task.Delay(FirstPause * (1 << (attempt - 1)), time);
        }
    }

    private static bool Repeat(int attempt, TimeSpan took) => attempt < Attempts && took < FastFailure;

    private static bool Left(Exception exception, bool idempotent) => exception switch
    {
        // A kind of rejection, but raised for calls already sent when their silo is declared gone.
        SiloUnavailableException => idempotent,
        OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException => true,
        { InnerException: { } inner } => Left(inner, idempotent),
        _ => false,
    };
}
