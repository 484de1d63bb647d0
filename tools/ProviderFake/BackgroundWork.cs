namespace Outbound.ProviderFake;

/// <summary>
/// Fire-and-forget work (callbacks, delivery reports) that must never crash the fake and must stop when it stops,
/// so a test that disposes the fake leaves nothing posting behind its back.
/// </summary>
public sealed class BackgroundWork(IHostApplicationLifetime lifetime, ILogger<BackgroundWork> logger)
{
    public void Run(string what, Func<CancellationToken, Task> work)
    {
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                await work(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Shutting down: the remaining work is dropped on purpose.
            }
            catch (Exception e)
            {
                logger.LogError(e, "Background work failed: {What}", what);
            }
        }, CancellationToken.None);
    }
}
