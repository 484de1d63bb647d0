using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Outbound.Hosting;

/// <summary>
/// What every Outbound host (the silo and the gateway) has the same way: OpenTelemetry logs, metrics and traces,
/// the Prometheus scrape endpoint, and the health probes Kubernetes asks.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>The product's meter and activity source (the Grains' OutboundMetrics and OutboundTracing use the same name).</summary>
    public const string ProductTelemetry = "Outbound";

    /// <summary>The OTLP collector's address; without it nothing is pushed anywhere.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Where Prometheus scrapes, on the host's HTTP port, with the admin key.</summary>
    public const string MetricsPath = "/metrics";

    public const string StartupTag = "startup";
    public const string ReadyTag = "ready";
    public const string LiveTag = "live";

    /// <summary>The Orleans sources that <c>AddActivityPropagation()</c> starts grain-call spans on.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Telemetry and health checks; <paramref name="serviceName"/> names the host in traces (<c>OTEL_SERVICE_NAME</c> overrides it).</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(serviceName);
        builder.AddDefaultHealthChecks();
        return builder;
    }

    /// <summary>
    /// Metrics always (the scrape endpoint reads them); traces and logs only where they go somewhere: an OTLP
    /// collector, or an exporter a test adds. Without a listener no span is even created, so an unobserved host
    /// pays nothing per grain call.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter(ProductTelemetry)
                .AddPrometheusExporter());
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(ProductTelemetry)
            .AddSource(OrleansSources)
            // Probes and scrapes every few seconds would bury the spans that matter.
            .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperatorPath(http.Request.Path))
            .AddHttpClientInstrumentation());
        if (otlp)
        {
            telemetry
                .WithTracing()
                .WithLogging(configureBuilder: null, configureOptions: o =>
                {
                    o.IncludeFormattedMessage = true;
                    o.IncludeScopes = true;
                })
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Startup, readiness and liveness as health checks tagged for their probe. None calls a grain or storage: a
    /// storage outage must not restart every pod.
    /// </summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<LifecycleHealth>().AddHostedService(sp => sp.GetRequiredService<LifecycleHealth>());
        builder.Services.AddHealthChecks()
            .AddCheck<StartedHealthCheck>("started", tags: [StartupTag])
            .AddCheck<ReadyHealthCheck>("ready", tags: [ReadyTag])
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: [LiveTag]);
        return builder;
    }

    /// <summary>
    /// The probes (<c>/health/startup</c>, <c>/health/ready</c>, <c>/health/live</c>, open to all) and the Prometheus
    /// scrape endpoint (<see cref="MetricsPath"/>, admin key only). The host must have registered the admin-key scheme.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var health = app.MapGroup("/health").ExcludeFromDescription();
        health.MapHealthChecks("/" + StartupTag, Probe(StartupTag));
        health.MapHealthChecks("/" + ReadyTag, Probe(ReadyTag));
        health.MapHealthChecks("/" + LiveTag, Probe(LiveTag));
        // Counts per provider and channel type are the operator's business, not the internet's.
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(AdminKeyAuthenticationHandler.SchemeName).RequireRole(AdminKeyAuthenticationHandler.Role))
            .ExcludeFromDescription();
        return app;
    }

    private static HealthCheckOptions Probe(string tag) => new() { Predicate = check => check.Tags.Contains(tag) };

    private static bool IsOperatorPath(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
}
