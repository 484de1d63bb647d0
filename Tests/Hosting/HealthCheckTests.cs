using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Outbound.Hosting;

namespace Outbound.Tests.Hosting;

/// <summary>The probes' health checks follow the host's lifecycle, as Kubernetes needs them to.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Readiness_ends_as_soon_as_shutdown_begins_while_liveness_holds()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddDefaultHealthChecks();
        using var host = builder.Build();
        var checks = host.Services.GetRequiredService<HealthCheckService>();
        var beforeStart = await StatusAsync(checks, ServiceDefaults.StartupTag);

        await host.StartAsync();
        var started = (await StatusAsync(checks, ServiceDefaults.StartupTag), await StatusAsync(checks, ServiceDefaults.ReadyTag));
        await host.StopAsync();

        Assert.Equal(HealthStatus.Unhealthy, beforeStart);
        Assert.Equal((HealthStatus.Healthy, HealthStatus.Healthy), started);
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync(checks, ServiceDefaults.ReadyTag));
        Assert.Equal(HealthStatus.Healthy, await StatusAsync(checks, ServiceDefaults.LiveTag));
    }

    private static async Task<HealthStatus> StatusAsync(HealthCheckService checks, string tag) =>
        (await checks.CheckHealthAsync(c => c.Tags.Contains(tag))).Status;
}
