using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Outbound.Tests.Providers;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// Stoplight Prism (installed under <c>tools/</c> by <c>./test.sh</c>) as a child process with <c>--errors</c>: a
/// request or response that violates the document gets an error instead, and each verdict is in its output, which
/// this keeps. <c>mock</c> answers from a provider's spec; <c>proxy</c> validates traffic to our own gateway.
/// </summary>
public sealed class PrismProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private PrismProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Prism's output lines so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>Starts <c>prism mock &lt;spec&gt;</c> or <c>prism proxy &lt;document&gt; &lt;upstream&gt;</c> on a free port.</summary>
    public static async Task<PrismProcess> StartAsync(string command, params string[] operands)
    {
        TestEnvironment.RequireIntegrationLayer("starts Prism");

        // Missing tools fail the tests (not skip them): a contract test that silently does not run proves nothing.
        if (!File.Exists(ProviderTestPaths.Prism))
        {
            throw new InvalidOperationException($"Prism is not installed at {ProviderTestPaths.Prism}: run `npm ci --prefix tools` (./test.sh does).");
        }

        var port = TestEnvironment.FreePort();
        var start = new ProcessStartInfo(ProviderTestPaths.Prism) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments = [command, "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--errors", .. operands];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var prism = new PrismProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, new Uri($"http://127.0.0.1:{port}"));
        await prism.StartAsync();
        return prism;
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
