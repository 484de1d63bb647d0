using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Outbound.Hosting;

/// <summary>
/// Startup, readiness and liveness as Kubernetes probes want them. Readiness follows the host's lifecycle
/// (ready once every hosted service, Orleans included, has started; not ready as soon as shutdown begins).
/// None of the probes calls a grain or storage: a storage outage must not restart every pod.
/// </summary>
/// <remarks>Shared by the silo and the gateway as a linked source file.</remarks>
internal sealed class LifecycleHealth : IHostedLifecycleService
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

internal static class LifecycleHealthExtensions
{
    public static IServiceCollection AddLifecycleHealth(this IServiceCollection services) =>
        services.AddSingleton<LifecycleHealth>().AddHostedService(sp => sp.GetRequiredService<LifecycleHealth>());

    public static IEndpointRouteBuilder MapLifecycleHealth(this IEndpointRouteBuilder app)
    {
        var health = app.ServiceProvider.GetRequiredService<LifecycleHealth>();
        var group = app.MapGroup("/health").ExcludeFromDescription();
        group.MapGet("/startup", () => health.IsStarted ? Results.Text("started") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        group.MapGet("/ready", () => health.IsReady ? Results.Text("ready") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        group.MapGet("/live", () => Results.Text("live"));
        return app;
    }
}
