using System.Diagnostics;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// A silo in its own process, so a test can kill it the way the kernel does (SIGKILL): no shutdown, no
/// deactivation, nothing flushed. Runs the Silo.dll built next to the tests.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private SiloProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the silo with <paramref name="settings"/> as environment variables and waits until it is ready.</summary>
    public static async Task<SiloProcess> StartAsync(int httpPort, IReadOnlyDictionary<string, string> settings)
    {
        TestEnvironment.RequireIntegrationLayer("starts a silo process");
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "Silo.dll"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["SILO_HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var silo = new SiloProcess(Process.Start(start)!);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(silo._process.HasExited, $"The silo exited during start:\n{silo.Output}");
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{httpPort}/health/ready")).IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"The silo did not become ready:\n{silo.Output}");
            await Task.Delay(200);
        }
    }

    public string Output
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>SIGKILL: the process ends at once, whatever it was doing.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 200)
            {
                _lastLines.Dequeue();
            }
        }
    }
}
