using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Outbound.Tests.Providers;

/// <summary>
/// Stoplight Prism mocking Twilio's own OpenAPI spec (twilio-oai <c>twilio_api_v2010.json</c>), as Twilio documents
/// for mock testing. With <c>--errors</c> a request that violates the spec gets an error response instead of the
/// example; every request's validation result is also in Prism's output, which this fixture keeps.
/// </summary>
public sealed class PrismFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public Uri Url { get; private set; } = null!;

    /// <summary>Prism's output lines so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    public async Task InitializeAsync()
    {
        // Missing tools fail the tests (not skip them): a contract test that silently does not run proves nothing.
        if (!File.Exists(ProviderTestPaths.Prism))
        {
            throw new InvalidOperationException($"Prism is not installed at {ProviderTestPaths.Prism}: run `npm ci --prefix tools` (./test.sh does).");
        }

        if (!File.Exists(ProviderTestPaths.TwilioApiSpec))
        {
            throw new InvalidOperationException($"The Twilio OpenAPI spec is missing at {ProviderTestPaths.TwilioApiSpec} (Tests/Providers/specs).");
        }

        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo(ProviderTestPaths.Prism)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "mock", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--errors", ProviderTestPaths.TwilioApiSpec })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Prism exited before listening:\n{string.Join('\n', _output)}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        try
        {
            await listening.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Prism did not listen within {StartTimeout}:\n{string.Join('\n', _output)}");
        }
    }

    private void OnLine(string? line, TaskCompletionSource listening)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.Contains("Prism is listening", StringComparison.Ordinal))
        {
            listening.TrySetResult();
        }
    }

    /// <summary>
    /// Prism's verdicts on the requests made since output line <paramref name="from"/>: waits until
    /// <paramref name="requests"/> of them are in, and returns every line since.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerdictsSinceAsync(int from, int requests)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var lines = Output.Skip(from).ToList();
            if (lines.Count(l => l.Contains("[VALIDATOR]", StringComparison.Ordinal)) >= requests || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
