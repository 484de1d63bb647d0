using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// The system with its silo in a process of its own, so a test can SIGKILL it and start it again: the provider
/// fake (slowed by <c>latencyMs</c> so a kill lands mid-send), one out-of-process silo and an in-process gateway on
/// a cluster of their own.
/// </summary>
public sealed class KillableSystem : IAsyncDisposable
{
    private readonly string _cluster;
    private readonly int _siloPort = TestEnvironment.FreePort();
    private readonly int _siloGatewayPort = TestEnvironment.FreePort();
    private readonly int _siloHttpPort = TestEnvironment.FreePort();
    private readonly int _gatewayPort = TestEnvironment.FreePort();
    private SiloProcess? _silo;
    private WebApplication? _gateway;

    private KillableSystem(string cluster, FakeServer providers)
    {
        _cluster = cluster;
        Providers = providers;
    }

    public FakeServer Providers { get; }

    public static async Task<KillableSystem> StartAsync(string name, int latencyMs)
    {
        var providers = await FakeServer.StartAsync(
            ("FAKE_TWILIO_ACCOUNTS", $"{Api.AccountSid}:{Api.TwilioAuthToken}"), ("FAKE_LATENCY_MS", latencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var system = new KillableSystem($"{name}-{Guid.NewGuid():N}", providers);
        system._silo = await system.StartSiloAsync();
        system._gateway = Gateway.Program.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["STORAGE_CONNECTION_STRING"] = TestEnvironment.StorageConnectionString,
            ["ORLEANS_CLUSTER_ID"] = system._cluster,
            ["ORLEANS_SERVICE_ID"] = system._cluster,
            ["ADMIN_KEY"] = OutboundSystem.AdminKey,
            ["SIGNING_KEYS"] = OutboundSystem.SigningKey,
            ["GATEWAY_PORT"] = system._gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        }));
        await system._gateway.StartAsync();
        return system;
    }

    /// <summary>SIGKILLs the silo, then starts a new one on the same cluster: only what was stored survives.</summary>
    public async Task KillAndRestartSiloAsync(Func<Task>? whileDown = null)
    {
        _silo!.Kill();
        if (whileDown is not null)
        {
            await whileDown();
        }

        _silo = await StartSiloAsync();
    }

    /// <summary>A client of a new org, with its admin key.</summary>
    public async Task<HttpClient> CreateOrgClientAsync(string name)
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}") };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OutboundSystem.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/v1/orgs", new { name })).Json(HttpStatusCode.Created);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created["apiKey"]!.GetValue<string>());
        return http;
    }

    /// <summary>The bodies the provider received that contain <paramref name="run"/>, repeats included.</summary>
    public async Task<List<string>> LedgerBodiesAsync(string run) =>
        [.. (await Providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await Providers.DisposeAsync();
    }

    private Task<SiloProcess> StartSiloAsync() => SiloProcess.StartAsync(_siloHttpPort, new Dictionary<string, string>
    {
        ["STORAGE_CONNECTION_STRING"] = TestEnvironment.StorageConnectionString,
        ["ORLEANS_CLUSTER_ID"] = _cluster,
        ["ORLEANS_SERVICE_ID"] = _cluster,
        ["ADMIN_KEY"] = OutboundSystem.AdminKey,
        ["SIGNING_KEYS"] = OutboundSystem.SigningKey,
        ["SILO_PORT"] = _siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SILO_GATEWAY_PORT"] = _siloGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TWILIO_BASE_URL"] = Providers.BaseUrl.ToString(),
        ["DATA_PROTECTION_KEK"] = OutboundSystem.DataProtectionKek,
        ["Logging__LogLevel__Default"] = "Warning",
    });
}
