using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Outbound.Hosting;

/// <summary>
/// The host's lifecycle as the probes read it: started once every hosted service, Orleans included, has started;
/// not ready as soon as shutdown begins, so the pod leaves its Service before Orleans stops.
/// </summary>
public sealed class LifecycleHealth : IHostedLifecycleService
{
    private volatile bool _started;
    private volatile bool _stopping;

    public bool IsStarted => _started;

    public bool IsReady => _started && !_stopping;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The startup probe: healthy once the host has started.</summary>
internal sealed class StartedHealthCheck(LifecycleHealth lifecycle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifecycle.IsStarted ? HealthCheckResult.Healthy("started") : HealthCheckResult.Unhealthy("starting"));
}

/// <summary>The readiness probe: healthy from start until shutdown begins.</summary>
internal sealed class ReadyHealthCheck(LifecycleHealth lifecycle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifecycle.IsReady ? HealthCheckResult.Healthy("ready")
            : HealthCheckResult.Unhealthy(lifecycle.IsStarted ? "stopping" : "starting"));
}
