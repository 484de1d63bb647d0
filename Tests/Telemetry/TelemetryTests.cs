using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Outbound.Hosting;
using Outbound.Tests.Inbound;
using Outbound.Tests.Sending;

namespace Outbound.Tests.Telemetry;

/// <summary>The system with every span its hosts start kept in memory, as an OTLP collector would get them.</summary>
public sealed class TracedSystem : OutboundSystem
{
    public SpanLog Spans { get; } = new();

    // Activity listeners are process-wide: the silo's tracer also sees the gateway's and the provider fake's spans,
    // as separate processes would each export theirs to one collector.
    protected override void ConfigureSiloServices(IServiceCollection services) =>
        services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(Spans));
}

[Trait("Category", "Integration")]
public sealed class TelemetryTests(TracedSystem system) : IClassFixture<TracedSystem>
{
    [Fact]
    public async Task A_send_shows_in_the_scraped_counters_from_accepted_to_delivered()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        var before = await ScrapeAsync(system.SiloUrl);

        var ids = await org.SendTaggedAsync(configuration, run, 2);
        await org.WaitUntilAllAsync(ids, m => m.Status() == "delivered");

        // Counters move as each outcome is recorded; a delivered report may be stored before the send's own answer.
        var twilioSms = new[] { "provider=\"twilio\"", "channel_type=\"sms\"" };
        var twilioAccepted = new[] { "provider=\"twilio\"", "outcome=\"accepted\"" };
        var after = await Eventually.ReturnsAsync(
            () => ScrapeAsync(system.SiloUrl),
            now => now.Grew(before, "outbound_messages_accepted_total", 2, twilioSms)
                && now.Grew(before, "outbound_messages_sent_total", 2, twilioSms)
                && now.Grew(before, "outbound_messages_delivered_total", 2, twilioSms)
                && now.Grew(before, "outbound_provider_duration_seconds_count", 2, twilioAccepted)
                && now.Grew(before, "outbound_quota_used_total", 1),
            timeoutMs: 10_000, pollMs: 200, describe: now => now.Product);
        Assert.True(after.Has("outbound_delivery_backlog"), "the admission backlog gauge is scraped");
        // Beside the product's: Orleans', the provider calls' HTTP client and the runtime's.
        Assert.All(new[] { "\norleans_", "\nhttp_client_request_duration_seconds", "\ndotnet_" }, prefix => Assert.Contains(prefix, after.Text));
    }

    [Fact]
    public async Task A_customers_message_shows_in_the_inbound_counter()
    {
        var org = await system.CreateOrgAsync();
        var (_, webhook) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var twilioSms = new[] { "provider=\"twilio\"", "channel_type=\"sms\"" };
        var before = await ScrapeAsync(system.SiloUrl);

        await system.TextAsync(webhook!, Tests.Inbound.Inbound.NewCustomer(), "+14155550100", "Where is my parcel?");

        await Eventually.ReturnsAsync(
            () => ScrapeAsync(system.SiloUrl),
            now => now.Sum("outbound_inbound_messages_total", twilioSms) - before.Sum("outbound_inbound_messages_total", twilioSms) >= 1,
            timeoutMs: 10_000, pollMs: 200, describe: now => now.Product);
    }

    [Fact]
    public async Task One_trace_follows_a_send_from_the_gateway_through_the_grains_to_the_provider_and_its_status_callback()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        // The caller's own trace: its HTTP client sends the context, the gateway continues it, and the test finds it by its id.
        JsonObject accepted;
        ActivityTraceId traceId;
        using (var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            traceId = caller.TraceId;
            accepted = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Deliveries.Body(run, 1))).Json(HttpStatusCode.Accepted);
        }

        await org.Http.WaitForMessageAsync(accepted["results"]![0]!["messageId"]!.GetValue<string>(), "delivered");

        var provider = system.Providers.BaseUrl;
        var spans = await Eventually.ReturnsAsync(
            () => Task.FromResult(system.Spans.Snapshot().Where(s => s.TraceId == traceId).ToList()),
            trace => trace.Any(s => s.OperationName == "outbound.status_report"),
            timeoutMs: 10_000, pollMs: 100, describe: Describe);
        Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
            && s.GetTagItem("url.path") is string path && path.EndsWith("/send", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.Kind == ActivityKind.Server);
        // The provider call is made by the delivery run, after the request has returned, yet in the request's trace.
        var providerCalls = spans.Where(s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client
            && s.GetTagItem("server.port") is int port && port == provider.Port).ToList();
        Assert.NotEmpty(providerCalls);
        Assert.All(providerCalls, call => Assert.Contains(Ancestors(call, spans), s => s.OperationName == "outbound.deliver"));
        // The callback came in a request of its own: the report's span links to it.
        Assert.Contains(spans, s => s.OperationName == "outbound.status_report" && s.Links.Any());
    }

    private static IEnumerable<Activity> Ancestors(Activity span, List<Activity> trace)
    {
        var byId = trace.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        for (var at = span; byId.TryGetValue(at.ParentSpanId, out var parent); at = parent)
        {
            yield return parent;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_scrape_endpoint_wants_the_admin_key(bool onTheSilo)
    {
        using var http = new HttpClient { BaseAddress = onTheSilo ? system.SiloUrl : system.GatewayUrl };
        using var withAnOrgKey = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        withAnOrgKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await system.CreateOrgAsync()).ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await http.SendAsync(withAnOrgKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeResponseAsync(http)).StatusCode);
    }

    private static string Describe(List<Activity> spans) =>
        $"the trace has only: {string.Join(", ", spans.Select(s => $"{s.Source.Name}/{s.OperationName}"))}";

    private static async Task<HttpResponseMessage> ScrapeResponseAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OutboundSystem.AdminKey);
        return await http.SendAsync(request);
    }

    private static async Task<Scrape> ScrapeAsync(Uri host)
    {
        using var http = new HttpClient { BaseAddress = host };
        var response = await ScrapeResponseAsync(http);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Prometheus text exposition: sums of a metric's samples whose labels include the given ones.</summary>
    private sealed record Scrape(string Text)
    {
        /// <summary>The product's lines, for a failure's message.</summary>
        public string Product => string.Join('\n', Text.Split('\n').Where(l => l.StartsWith("outbound_", StringComparison.Ordinal)));

        public bool Has(string metric) => Samples(metric, []).Any();

        public double Sum(string metric, params string[] labels) => Samples(metric, labels).Sum();

        /// <summary>True if the metric's samples with those labels add up to at least <paramref name="by"/> more than in <paramref name="earlier"/>.</summary>
        public bool Grew(Scrape earlier, string metric, double by, params string[] labels) => Sum(metric, labels) - earlier.Sum(metric, labels) >= by;

        private IEnumerable<double> Samples(string metric, string[] labels) =>
            from line in Text.Split('\n')
            where line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal)
            let close = line.LastIndexOf('}')
            let labelText = close < 0 ? "" : line[..close]
            where labels.All(l => labelText.Contains(l, StringComparison.Ordinal))
            let value = line[(close < 0 ? metric.Length : close + 1)..].Trim().Split(' ')[0]
            select double.Parse(value, CultureInfo.InvariantCulture);
    }
}

/// <summary>The spans an in-memory exporter collects, safe to read while hosts keep adding to it.</summary>
public sealed class SpanLog : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public List<Activity> Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>What a host exports depends on whether an OTLP collector is configured.</summary>
public sealed class TelemetrySetupTests
{
    [Fact]
    public void Without_an_otlp_endpoint_no_tracer_runs_and_metrics_still_do()
    {
        using var host = Build([]);

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    [Fact]
    public void With_an_otlp_endpoint_traces_and_logs_are_exported_too()
    {
        using var host = Build([new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")]);

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Logs.LoggerProvider>());
    }

    private static Microsoft.Extensions.Hosting.IHost Build(KeyValuePair<string, string?>[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("outbound-test");
        return builder.Build();
    }
}
