using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Outbound.Tests.Infrastructure;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Events;

/// <summary>
/// An accepted event is durable: kill the silo with SIGKILL right after the 202s (before the batcher has sent
/// anything), or while the batches are at the provider, start it again, and every accepted event's message reaches
/// the provider exactly once. The logs' and batchers' reminders bring the unsettled work back; the batch ids make a
/// repeated send replay the send path's first receipt.
/// </summary>
public sealed class EventCrashTests : IAsyncLifetime
{
    private const int Requests = 5;
    private const int EventsPerRequest = 100;

    private readonly string _cluster = $"event-crash-{Guid.NewGuid():N}";
    private readonly int _siloPort = TestEnvironment.FreePort();
    private readonly int _siloGatewayPort = TestEnvironment.FreePort();
    private readonly int _siloHttpPort = TestEnvironment.FreePort();
    private readonly int _gatewayPort = TestEnvironment.FreePort();
    private FakeServer _providers = null!;
    private SiloProcess? _silo;
    private WebApplication _gateway = null!;

    public async Task InitializeAsync()
    {
        // Slow provider answers keep the batches at the provider for a while, so a kill can land among them.
        _providers = await FakeServer.StartAsync(("FAKE_TWILIO_ACCOUNTS", $"{Api.AccountSid}:{Api.TwilioAuthToken}"), ("FAKE_LATENCY_MS", "40"));
        _silo = await StartSiloAsync();
        _gateway = Gateway.Program.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["STORAGE_CONNECTION_STRING"] = TestEnvironment.StorageConnectionString,
            ["ORLEANS_CLUSTER_ID"] = _cluster,
            ["ORLEANS_SERVICE_ID"] = _cluster,
            ["ADMIN_KEY"] = OutboundSystem.AdminKey,
            ["SIGNING_KEYS"] = OutboundSystem.SigningKey,
            ["GATEWAY_PORT"] = _gatewayPort.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        }));
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await _providers.DisposeAsync();
    }

    /// <param name="sentBeforeKill">0: kill as soon as the last 202 is in; more: once that many messages reached the provider.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(150)]
    public async Task Every_accepted_event_is_sent_exactly_once_after_a_sigkill(int sentBeforeKill)
    {
        using var http = await CreateOrgClientAsync();
        var (_, _, configuration) = await http.CreateSmsSetupAsync();
        await http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var run = Guid.NewGuid().ToString("N")[..8];
        var posts = Enumerable.Range(0, Requests).Select(r => http.PostEventsAsync(Events.Batch,
            Enumerable.Range(0, EventsPerRequest).Select(e => Events.CaseCreated($"{run}-{r}-{e}", caseName: $"{run}-{r}-{e}")).ToArray()));
        var accepted = new List<string>();
        foreach (var response in await Task.WhenAll(posts))
        {
            var results = (await response.Json(HttpStatusCode.Accepted))["results"]!.AsArray();
            accepted.AddRange(results.Where(x => x!["status"]!.GetValue<string>() == "accepted").Select(x => x!["id"]!.GetValue<string>()));
        }

        Assert.Equal(Requests * EventsPerRequest, accepted.Count);
        if (sentBeforeKill > 0)
        {
            await Eventually.HoldsAsync(async () => await LedgerCountAsync(run) >= sentBeforeKill, TimeSpan.FromSeconds(60), "sending never started");
        }

        _silo!.Kill();
        var before = await LedgerCountAsync(run);
        Assert.True(before < accepted.Count, "Everything was sent before the kill; the test proves nothing. Slow the fake down.");

        _silo = await StartSiloAsync();

        // The logs' and batchers' reminders (one-minute period) bring every unsettled event back.
        await Eventually.HoldsAsync(async () => await LedgerCountAsync(run) >= accepted.Count, TimeSpan.FromMinutes(4),
            "not every accepted event's message reached the provider");
        // Every event says which message it became, and that message is settled: nothing is still on its way that could arrive twice.
        var messageIds = await Task.WhenAll(accepted.Select(id => http.WaitForTriggerAsync(id, "sent")));
        static bool Settled(JsonObject m) => m["status"]!.GetValue<string>() is "sent" or "delivered";
        await Eventually.ReturnsAsync(
            () => Task.WhenAll(messageIds.Select(async e => await (await http.GetAsync($"/v1/messages/{e["triggers"]![0]!["messageId"]!.GetValue<string>()}")).Json(HttpStatusCode.OK))),
            messages => messages.All(Settled), timeoutMs: 90_000, pollMs: 500,
            describe: messages => $"one message not recorded as sent: {messages.First(m => !Settled(m)).ToJsonString()}");

        var bodies = await BodiesAsync(run);
        Assert.Equal(accepted.Count, messageIds.Select(e => e["triggers"]![0]!["messageId"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(accepted.Select(id => $"Hi Ana, case {id} is open.").Order(), bodies.Distinct().Order());
        Assert.Empty(bodies.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    private async Task<List<string>> BodiesAsync(string run) =>
        [.. (await _providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run))];

    private async Task<int> LedgerCountAsync(string run) => (await BodiesAsync(run)).Count;

    private Task<SiloProcess> StartSiloAsync() => SiloProcess.StartAsync(_siloHttpPort, new Dictionary<string, string>
    {
        ["STORAGE_CONNECTION_STRING"] = TestEnvironment.StorageConnectionString,
        ["ORLEANS_CLUSTER_ID"] = _cluster,
        ["ORLEANS_SERVICE_ID"] = _cluster,
        ["ADMIN_KEY"] = OutboundSystem.AdminKey,
        ["SIGNING_KEYS"] = OutboundSystem.SigningKey,
        ["SILO_PORT"] = _siloPort.ToString(),
        ["SILO_GATEWAY_PORT"] = _siloGatewayPort.ToString(),
        ["TWILIO_BASE_URL"] = _providers.BaseUrl.ToString(),
        ["DATA_PROTECTION_KEK"] = OutboundSystem.DataProtectionKek,
        ["Logging__LogLevel__Default"] = "Warning",
    });

    private async Task<HttpClient> CreateOrgClientAsync()
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}") };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OutboundSystem.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/v1/orgs", new { name = "Event crash" })).Json(HttpStatusCode.Created);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created["apiKey"]!.GetValue<string>());
        return http;
    }
}
