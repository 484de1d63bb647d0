using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;

namespace Outbound.Chaos.Stack;

/// <summary>
/// The system under test, on ports and storage of its own: a private Azurite (in memory), the provider fake and the
/// gateways in this process, and the silos as <c>dotnet Silo.dll</c> processes so one can be SIGKILLed and started
/// again. Gateways run in-process because no fault targets them: separate processes would cost two more runtimes
/// (memory, JIT) on a small shared machine and could be orphaned, and would change nothing the verdict reads.
/// </summary>
public sealed class ChaosStack : IAsyncDisposable
{
    // Azurite's well-known development account (public; the same as tools/lib.sh's).
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly ChaosOptions _options;
    private readonly TextWriter _log;
    private readonly string _azuriteDirectory;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly string _signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly string _dataProtectionKek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly List<WebApplication> _hosts = [];
    private readonly List<WebApplication> _gateways = [];
    private readonly List<FileLoggerProvider> _loggers = [];
    private readonly SiloPorts[] _siloPorts;
    private readonly ChildProcess?[] _silos;
    private ChildProcess? _azurite;

    private ChaosStack(ChaosOptions options, TextWriter log, string logs)
    {
        _options = options;
        _log = log;
        Logs = logs;
        _azuriteDirectory = Directory.CreateTempSubdirectory("chaos-azurite-").FullName;
        _siloPorts = [.. Enumerable.Range(0, options.Silos).Select(_ => new SiloPorts(FreePort.Next(), FreePort.Next(), FreePort.Next()))];
        _silos = new ChildProcess?[options.Silos];
        GatewayUrls = [.. Enumerable.Range(0, options.Gateways).Select(_ => new Uri($"http://127.0.0.1:{FreePort.Next()}"))];
        FakeUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
    }

    public string Logs { get; }

    public IReadOnlyList<Uri> GatewayUrls { get; }

    public Uri FakeUrl { get; }

    public string ConnectionString { get; private set; } = "";

    /// <summary>A silo (by number) was started again and is ready, with its new pid.</summary>
    public event Action<int, int>? SiloStarted;

    public ChildProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite is not running.");

    /// <summary>The silo processes by number (1-based), null while one is down.</summary>
    public ChildProcess? Silo(int number) => _silos[number - 1];

    public static async Task<ChaosStack> StartAsync(ChaosOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var logs = options.Logs ?? Directory.CreateTempSubdirectory("chaos-logs-").FullName;
        Directory.CreateDirectory(logs);
        var stack = new ChaosStack(options, log, logs);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await stack.StartAzuriteAsync(cancellationToken);
            await stack.StartFakeAsync();
            // Together: each silo spends most of its start in the JIT and in storage round trips, not in the other's way.
            await Task.WhenAll(Enumerable.Range(1, options.Silos).Select(n => stack.StartSiloAsync(n, cancellationToken)));
            for (var i = 0; i < options.Gateways; i++)
            {
                await stack.StartGatewayAsync(i, cancellationToken);
            }

            log.WriteLine($"  stack ready in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gateway 1's cluster client, for the management grain (membership, activations per silo).</summary>
    public IClusterClient Cluster => _gateways[0].Services.GetRequiredService<IClusterClient>();

    /// <summary>The silo's port (<c>SILO_PORT</c>): what its address in the cluster names.</summary>
    public int SiloPort(int number) => _siloPorts[number - 1].Silo;

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod in a rolling update, and waits until the silo has left the cluster and exited
    /// (SIGKILL past <paramref name="timeout"/>). Returns whether it exited by itself.
    /// </summary>
    public async Task<bool> StopSiloAsync(int number, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var silo = _silos[number - 1] ?? throw new InvalidOperationException($"Silo {number} is not running.");
        var graceful = await silo.TerminateAsync(timeout, cancellationToken);
        _silos[number - 1] = null;
        silo.Dispose();
        WritePids();
        return graceful;
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a node failure would end it.</summary>
    public void KillSilo(int number)
    {
        var silo = _silos[number - 1] ?? throw new InvalidOperationException($"Silo {number} is not running.");
        _silos[number - 1] = null;
        silo.Dispose();
        WritePids();
    }

    /// <summary>Starts silo <paramref name="number"/> again on its own ports and waits until it is ready.</summary>
    public async Task StartSiloAsync(int number, CancellationToken cancellationToken)
    {
        var ports = _siloPorts[number - 1];
        var environment = new Dictionary<string, string>(CommonSettings())
        {
            ["SILO_PORT"] = Text(ports.Silo),
            ["SILO_GATEWAY_PORT"] = Text(ports.Gateway),
            ["SILO_HTTP_PORT"] = Text(ports.Http),
            ["TWILIO_BASE_URL"] = FakeUrl.ToString().TrimEnd('/'),
            ["RECONCILE_AFTER"] = _options.ReconcileAfter.ToString("c", CultureInfo.InvariantCulture),
            ["TRACKING_SWEEP_INTERVAL"] = _options.TrackingSweepInterval.ToString("c", CultureInfo.InvariantCulture),
            ["PROVIDER_TIMEOUT_SECONDS"] = Text(_options.ProviderTimeoutSeconds),
            // A key of this run only (its state is thrown away), and the provider fake's ACS on loopback.
            ["DATA_PROTECTION_KEK"] = _dataProtectionKek,
            ["ACS_ENDPOINT_ALLOW_LOOPBACK"] = "true",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in _options.SiloEnvironment)
        {
            environment[key] = value;
        }

        var dll = _options.SiloDll ?? Path.Combine(AppContext.BaseDirectory, "Silo.dll");
        var silo = ChildProcess.Start($"silo-{number}", "dotnet", [dll], Path.GetDirectoryName(Path.GetFullPath(dll))!, environment,
            Path.Combine(Logs, $"silo-{number}.log"));
        _silos[number - 1] = silo;
        WritePids();
        await WaitReadyAsync($"silo {number}", new Uri($"http://127.0.0.1:{ports.Http}/health/ready"), silo, cancellationToken);
        SiloStarted?.Invoke(number, silo.Pid);
    }

    public async ValueTask DisposeAsync()
    {
        // Clients first, storage last; nothing here is graceful: the run is over and its state is thrown away.
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await host.StopAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
            }

            await host.DisposeAsync();
        }

        for (var i = 0; i < _silos.Length; i++)
        {
            _silos[i]?.Dispose();
            _silos[i] = null;
        }

        _azurite?.Dispose();
        _azurite = null;
        foreach (var logger in _loggers)
        {
            logger.Dispose();
        }

        WritePids();
        try
        {
            Directory.Delete(_azuriteDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAzuriteAsync(CancellationToken cancellationToken)
    {
        var azurite = _options.AzuritePath ?? FindAzurite();
        int blob = FreePort.Next(), queue = FreePort.Next(), table = FreePort.Next();
        // In memory, as the bench runs it: the disk store's periodic saves cost CPU in proportion to what it holds.
        _azurite = ChildProcess.Start("azurite", azurite,
            ["--silent", "--inMemoryPersistence", "--blobPort", Text(blob), "--queuePort", Text(queue), "--tablePort", Text(table),
                "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
            _azuriteDirectory, new Dictionary<string, string>(), Path.Combine(Logs, "azurite.log"));
        WritePids();
        foreach (var port in new[] { blob, queue, table })
        {
            await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(30), () => _azurite.HasExited, cancellationToken);
        }

        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        _log.WriteLine($"  azurite (pid {_azurite.Pid}) on table port {table}");
    }

    private async Task StartFakeAsync()
    {
        var fake = Outbound.ProviderFake.Program.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PROVIDER_FAKE_PORT"] = Text(FakeUrl.Port),
                // The fake's development Twilio account and ACS key, the ones the channels are created with.
                ["FAKE_TWILIO_ACCOUNTS"] = "",
                ["FAKE_ACS_KEYS"] = "",
                ["FAKE_CALLBACK_DELAY_MS"] = Text((int)_options.CallbackDelay.TotalMilliseconds),
            });
            UseLogFile(b, "provider-fake.log");
        });
        await fake.StartAsync();
        _hosts.Add(fake);
    }

    private async Task StartGatewayAsync(int index, CancellationToken cancellationToken)
    {
        var url = GatewayUrls[index];
        var gateway = Gateway.Program.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(CommonSettings().Append(KeyValuePair.Create("GATEWAY_PORT", Text(url.Port))).ToDictionary(p => p.Key, p => (string?)p.Value));
            UseLogFile(b, $"gateway-{index + 1}.log");
        });
        await gateway.StartAsync(cancellationToken);
        _hosts.Add(gateway);
        _gateways.Add(gateway);
        await WaitReadyAsync($"gateway {index + 1}", new Uri(url, "/health/ready"), null, cancellationToken);
    }

    /// <summary>What silos and gateways share: storage, the cluster of this run only, the admin key, the callback address.</summary>
    private Dictionary<string, string> CommonSettings() => new()
    {
        ["STORAGE_CONNECTION_STRING"] = ConnectionString,
        ["ORLEANS_CLUSTER_ID"] = $"chaos-{_runId}",
        ["ORLEANS_SERVICE_ID"] = $"chaos-{_runId}",
        ["ADMIN_KEY"] = _options.AdminKey,
        // A key of this run only: silos and gateways must share it.
        ["SIGNING_KEYS"] = _signingKey,
        // Providers call back to gateway 1: Twilio status callbacks, and the ACS events subscription set up later.
        ["PUBLIC_BASE_URL"] = GatewayUrls[0].ToString().TrimEnd('/'),
    };

    private void UseLogFile(WebApplicationBuilder builder, string file)
    {
        var logger = new FileLoggerProvider(Path.Combine(Logs, file));
        _loggers.Add(logger);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logger);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
    }

    private async Task WaitReadyAsync(string name, Uri url, ChildProcess? process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process?.HasExited == true)
            {
                throw new InvalidOperationException($"The {name} exited during start:\n{process.Tail}");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    _log.WriteLine($"  {name} ready{(process is null ? "" : $" (pid {process.Pid})")} at {url.GetLeftPart(UriPartial.Authority)}");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The {name} was not ready within {ReadyTimeout.TotalSeconds:F0} s.\n{process?.Tail}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The child pids, for a script that must stop them should the runner itself be killed.</summary>
    private void WritePids()
    {
        if (_options.PidsFile is { } file)
        {
            // The silos start side by side: one writer at a time.
            lock (_hosts)
            {
                File.WriteAllLines(file, ChildProcess.LivePids.Select(p => Text(p)));
            }
        }
    }

    /// <summary>tools/node_modules/.bin/azurite in a folder above the runner or the working directory (the repository).</summary>
    private static string FindAzurite()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "node_modules", ".bin", "azurite");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("tools/node_modules/.bin/azurite was not found: run `npm ci --prefix tools` (or ./test.sh, which does), or pass --azurite PATH.");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record SiloPorts(int Silo, int Gateway, int Http);
}
