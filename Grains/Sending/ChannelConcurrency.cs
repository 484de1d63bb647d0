using System.Collections.Concurrent;

namespace Outbound.Grains.Sending;

/// <summary>
/// Caps concurrent provider calls per channel on this silo, so one tenant's burst cannot take every connection
/// and a provider's per-account concurrency limit is respected. A singleton shared by the sender pool.
/// </summary>
public sealed class ChannelConcurrency(int maxCallsPerChannel)
{
    public const string MaxCallsKey = "SENDER_MAX_CALLS_PER_CHANNEL";
    public const int DefaultMaxCalls = 16;

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _gates = new();

    /// <summary>
    /// Runs <paramref name="call"/> once a slot of the channel is free, or gives up when <paramref name="stopWaiting"/>
    /// fires first: then <paramref name="call"/> never ran and the result is <paramref name="notStarted"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(Guid channelId, Func<Task<T>> call, T notStarted, CancellationToken stopWaiting)
    {
        var gate = _gates.GetOrAdd(channelId, _ => new SemaphoreSlim(maxCallsPerChannel));
        try
        {
            await gate.WaitAsync(stopWaiting);
        }
        catch (OperationCanceledException) when (stopWaiting.IsCancellationRequested)
        {
            return notStarted;
        }

        try
        {
            return await call();
        }
        finally
        {
            gate.Release();
        }
    }
}
