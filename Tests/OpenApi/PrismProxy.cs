using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Outbound.Tests.Providers;

namespace Outbound.Tests.OpenApi;

/// <summary>
/// Stoplight Prism as a validating proxy in front of a gateway: <c>prism proxy --errors</c> checks every request and
/// response against the document and answers a violation with an error instead of the gateway's response. Its
/// output keeps each verdict.
/// </summary>
public sealed class PrismProxy : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private PrismProxy(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Prism's output lines so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    public static async Task<PrismProxy> StartAsync(string document, Uri upstream)
    {
        if (!File.Exists(ProviderTestPaths.Prism))
        {
            throw new InvalidOperationException($"Prism is not installed at {ProviderTestPaths.Prism}: run `npm ci --prefix tools` (./test.sh does).");
        }

        var port = TestEnvironment.FreePort();
        var start = new ProcessStartInfo(ProviderTestPaths.Prism) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "proxy", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--errors", document, upstream.ToString().TrimEnd('/') })
        {
            start.ArgumentList.Add(argument);
        }

        var proxy = new PrismProxy(new Process { StartInfo = start, EnableRaisingEvents = true }, new Uri($"http://127.0.0.1:{port}"));
        await proxy.StartAsync();
        return proxy;
    }

    private async Task StartAsync()
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
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

        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
