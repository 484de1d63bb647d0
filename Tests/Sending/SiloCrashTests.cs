using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Outbound.Tests.Infrastructure;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Sending;

/// <summary>
/// Accepted means durable: kill the silo with SIGKILL while it is sending, start it again, and every accepted
/// message still reaches the provider exactly once: what the kill interrupted is looked up before it is resent.
/// </summary>
public sealed class SiloCrashTests : IAsyncLifetime
{
    private const int Requests = 20;
    private const int ContactsPerRequest = 100;

    private readonly string _cluster = $"crash-{Guid.NewGuid():N}";
    private readonly int _siloPort = TestEnvironment.FreePort();
    private readonly int _siloGatewayPort = TestEnvironment.FreePort();
    private readonly int _siloHttpPort = TestEnvironment.FreePort();
    private readonly int _gatewayPort = TestEnvironment.FreePort();
    private FakeServer _providers = null!;
    private SiloProcess? _silo;
    private WebApplication _gateway = null!;

    public async Task InitializeAsync()
    {
        // Slow provider answers keep the silo busy sending when it is killed.
        _providers = await FakeServer.StartAsync(("FAKE_TWILIO_ACCOUNTS", $"{Api.AccountSid}:{Api.TwilioAuthToken}"), ("FAKE_LATENCY_MS", "15"));
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

    [Fact]
    public async Task Every_accepted_message_reaches_the_provider_after_a_sigkill_mid_send()
    {
        using var http = await CreateOrgClientAsync();
        var (_, _, configuration) = await http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var accepted = new List<string>();
        var posts = Enumerable.Range(0, Requests).Select(r => http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = Enumerable.Range(0, ContactsPerRequest).Select(c => new Dictionary<string, object>
            {
                ["tocontactid"] = "+14155550142",
                ["optin"] = true,
                ["contextitems"] = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{run}-{r}-{c}" },
            }),
        }));
        foreach (var response in await Task.WhenAll(posts))
        {
            var results = (await response.Json(HttpStatusCode.Accepted))["results"]!.AsArray();
            accepted.AddRange(results.Select(x => x!["messageId"]!.GetValue<string>()));
        }

        Assert.Equal(Requests * ContactsPerRequest, accepted.Count);

        // Kill once sending is well under way but far from done.
        await Eventually.HoldsAsync(async () => await LedgerCountAsync() >= 200, TimeSpan.FromSeconds(60), "sending never started");
        var before = await LedgerCountAsync();
        _silo!.Kill();
        Assert.True(before < accepted.Count, "Everything was sent before the kill; the test proves nothing. Slow the fake down.");

        _silo = await StartSiloAsync();

        // The delivery reminders (one-minute period) bring every unfinished batch back.
        await Eventually.HoldsAsync(async () => DistinctBodies(await _providers.LedgerAsync(), run).Count >= accepted.Count, TimeSpan.FromMinutes(4),
            "not every accepted message reached the provider");
        var ledger = await _providers.LedgerAsync();
        var bodies = ledger.Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run)).ToList();
        Assert.Equal(accepted.Count, bodies.Distinct().Count());

        // The sends the kill interrupted were looked up at the provider before any went out again: none twice.
        var duplicated = bodies.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        // Sent, or delivered where the provider said so when asked about a send the crash interrupted.
        static bool Settled(System.Text.Json.Nodes.JsonObject m) => m["status"]!.GetValue<string>() is "sent" or "delivered";
        await Eventually.ReturnsAsync(
            () => Task.WhenAll(accepted.Select(async id => await (await http.GetAsync($"/v1/messages/{id}")).Json(HttpStatusCode.OK))),
            messages => messages.All(Settled), timeoutMs: 90_000, pollMs: 500,
            describe: messages => $"one message not recorded as sent: {messages.First(m => !Settled(m)).ToJsonString()}");
        Assert.Empty(duplicated);
    }

    private static HashSet<string> DistinctBodies(JsonElement[] ledger, string run) =>
        [.. ledger.Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run))];

    private async Task<int> LedgerCountAsync() => (await _providers.LedgerAsync()).Length;

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
        var created = await (await admin.PostAsJsonAsync("/v1/orgs", new { name = "Crash" })).Json(HttpStatusCode.Created);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created["apiKey"]!.GetValue<string>());
        return http;
    }
}
