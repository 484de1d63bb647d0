using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// The real system in one test process: a silo and a gateway, each built by its own Program, on Azure Table
/// storage in Azurite, talking over loopback TCP. Every instance gets its own cluster and service id, so
/// runs never see each other's silos or state.
/// </summary>
public class OutboundSystem : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";

    /// <summary>The cluster's signing key (<c>SIGNING_KEYS</c>) in every test system.</summary>
    public const string SigningKey = "dGVzdC1zaWduaW5nLWtleS1vZi10aGUtb3V0Ym91bmQtdGVzdHM=";

    public static readonly Outbound.Security.SigningKeys SigningKeys = Outbound.Security.SigningKeys.Parse(SigningKey);

    /// <summary>DATA_PROTECTION_KEK of the test silos: the key that wraps the key ring sealing channel secrets.</summary>
    public const string DataProtectionKek = "cZbfJ9z2CGjwBZfJuRhjEGtz0clbSQn/FoZ3heLsBKs=";

    private (string Key, object? Value)[] _siloSettings;

    public OutboundSystem()
        : this([])
    {
    }

    /// <param name="siloSettings">Settings of the silo on top of the defaults; a null value removes the setting.</param>
    protected OutboundSystem(params (string Key, object? Value)[] siloSettings) => _siloSettings = siloSettings;

    /// <summary>Settings of every gateway on top of the defaults (a subclass's lower limits, for example).</summary>
    protected virtual (string Key, object? Value)[] GatewaySettings => [];

    private readonly string _serviceId = $"test-{Guid.NewGuid():N}";
    private readonly int _siloPort = TestEnvironment.FreePort();
    private readonly int _siloGatewayPort = TestEnvironment.FreePort();
    private readonly int _siloHttpPort = TestEnvironment.FreePort();
    private readonly int _gatewayPort = TestEnvironment.FreePort();
    private WebApplication? _silo;
    private WebApplication? _gateway;
    private readonly List<WebApplication> _extraGateways = [];
    private readonly List<WebApplication> _extraSilos = [];

    public Uri GatewayUrl => new($"http://127.0.0.1:{_gatewayPort}");

    public Uri SiloUrl => new($"http://127.0.0.1:{_siloHttpPort}");

    public string ServiceId => _serviceId;

    /// <summary>The gateway's Orleans client, for looking at what the API cannot show (a configuration's binding).</summary>
    public IClusterClient Grains => _gateway!.Services.GetRequiredService<IClusterClient>();

    /// <summary>The gateway's services, as configured by its Program (for example the endpoints it maps).</summary>
    public IServiceProvider GatewayServices => _gateway!.Services;

    /// <summary>The silo's services, as configured by its Program (for example its grain storage serializer).</summary>
    public IServiceProvider SiloServices => _silo!.Services;

    /// <summary>The provider fake the silo sends to (Twilio through TWILIO_BASE_URL; ACS channels would name its URL).</summary>
    public ProviderFake.FakeServer Providers { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TestEnvironment.RequireIntegrationLayer("runs on the real system (Azurite)");
        Providers = await ProviderFake.FakeServer.StartAsync(("FAKE_TWILIO_ACCOUNTS", $"{Api.AccountSid}:{Api.TwilioAuthToken}"));
        await StartSiloAsync();
        _gateway = Gateway.Program.Create([], b => b.Configuration.AddInMemoryCollection(Settings([("GATEWAY_PORT", _gatewayPort), .. GatewaySettings])));
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _extraGateways)
        {
            await gateway.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        foreach (var silo in _extraSilos)
        {
            await silo.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (Providers is not null)
        {
            await Providers.DisposeAsync();
        }
    }

    /// <summary>Stops the silo gracefully and starts a new one, as a rolling restart of a pod would.</summary>
    /// <param name="changedSettings">Settings the new silo starts with on top of the old ones (a changed key, say).</param>
    public async Task RestartSiloAsync(params (string Key, object? Value)[] changedSettings)
    {
        _siloSettings = [.. _siloSettings, .. changedSettings];
        await _silo!.StopAsync();
        await _silo.DisposeAsync();
        await StartSiloAsync();
    }

    /// <summary>Starts another gateway on the same cluster (as a second pod would be) and returns its URL.</summary>
    public async Task<Uri> StartAnotherGatewayAsync()
    {
        var port = TestEnvironment.FreePort();
        var gateway = Gateway.Program.Create([], b => b.Configuration.AddInMemoryCollection(Settings([("GATEWAY_PORT", port), .. GatewaySettings])));
        await gateway.StartAsync();
        _extraGateways.Add(gateway);
        return new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Starts another silo in the same cluster (as a second pod would be) and returns its services.</summary>
    public async Task<IServiceProvider> StartAnotherSiloAsync()
    {
        var silo = CreateSilo(TestEnvironment.FreePort(), TestEnvironment.FreePort(), TestEnvironment.FreePort());
        await silo.StartAsync();
        _extraSilos.Add(silo);
        return silo.Services;
    }

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = GatewayUrl };

    public HttpClient Admin() => WithBearer(AdminKey);

    public HttpClient WithBearer(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates an org through the API and returns a client authenticated as it.</summary>
    public async Task<OrgClient> CreateOrgAsync(string name = "Contoso")
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/v1/orgs", new { name });
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<CreatedOrg>())!;
        return new OrgClient(created.OrgId, created.ApiKey, WithBearer(created.ApiKey));
    }

    /// <summary>Settings of every silo and gateway on top of the defaults (a subclass's cluster TLS, for example).</summary>
    protected virtual IEnumerable<(string Key, object? Value)> SharedSettings => [];

    /// <summary>Adds to the silo's services before Orleans is set up (a subclass's clock, for example).</summary>
    protected virtual void ConfigureSiloServices(IServiceCollection services)
    {
    }

    /// <summary>Changes the silo after its own setup (a subclass's fault injection, for example).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    private async Task StartSiloAsync()
    {
        _silo = CreateSilo(_siloPort, _siloGatewayPort, _siloHttpPort);
        await _silo.StartAsync();
    }

    private WebApplication CreateSilo(int siloPort, int gatewayPort, int httpPort) =>
        Silo.Program.Create(
            [],
            b =>
            {
                b.Configuration.AddInMemoryCollection(Settings(
                    [("SILO_PORT", siloPort), ("SILO_GATEWAY_PORT", gatewayPort), ("SILO_HTTP_PORT", httpPort),
                    ("TWILIO_BASE_URL", Providers.BaseUrl), ("DATA_PROTECTION_KEK", DataProtectionKek),
                    // ACS channels in tests point at the provider fake on loopback.
                    ("ACS_ENDPOINT_ALLOW_LOOPBACK", true), .. _siloSettings]));
                ConfigureSiloServices(b.Services);
            },
            silo =>
            {
                silo.Services.AddSingleton<IFatalErrorHandler, SurvivingFatalErrorHandler>();
                ConfigureSilo(silo);
            });

    private Dictionary<string, string?> Settings(params (string Key, object? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["STORAGE_CONNECTION_STRING"] = TestEnvironment.StorageConnectionString,
            ["ORLEANS_CLUSTER_ID"] = _serviceId,
            ["ORLEANS_SERVICE_ID"] = _serviceId,
            ["ADMIN_KEY"] = AdminKey,
            ["SIGNING_KEYS"] = SigningKey,
            // Tests present keys that are not valid on purpose; only the test of this limit sets a low one.
            ["FAILED_AUTH_LIMIT_PER_MINUTE"] = "1000",
            ["PUBLIC_BASE_URL"] = GatewayUrl.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        foreach (var (key, value) in SharedSettings.Concat(extra))
        {
            settings[key] = value?.ToString();
        }

        return settings;
    }

    private sealed record CreatedOrg(Guid OrgId, string ApiKey);
}

/// <summary>An org as the tests see it: its id, its API key and a client that sends the key.</summary>
public sealed record OrgClient(Guid OrgId, string ApiKey, HttpClient Http);

/// <summary>One system shared by the end-to-end test classes; each test creates its own orgs, so they don't interfere.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<OutboundSystem>
{
    public const string Name = "system";
}
