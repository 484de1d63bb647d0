using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Outbound.Chaos.Stack;

/// <summary>
/// A process the runner started (Azurite, a silo): its output goes to a log file, the last lines are kept for error
/// messages, and it can be paused, resumed or killed the way the kernel does it. Every live one is remembered, so a
/// runner that is told to exit still kills them (no silo or paused Azurite outlives a run).
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private static readonly List<ChildProcess> Live = [];

    private readonly Process _process;
    private readonly TextWriter _log;
    private readonly Queue<string> _lastLines = new();

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    private ChildProcess(string name, Process process, TextWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
        Pid = process.Id;
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The pids of every child still running, for the pids file.</summary>
    public static IReadOnlyList<int> LivePids
    {
        get
        {
            lock (Live)
            {
                return [.. Live.Where(c => !c.HasExited).Select(c => c.Pid)];
            }
        }
    }

    /// <summary>The last lines it wrote, for a message that says why it did not start.</summary>
    public string Tail
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="environment"/> on top of this process's, its output appended to <paramref name="logFile"/>.</summary>
    public static ChildProcess Start(
        string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
        var child = new ChildProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start."), log);
        lock (Live)
        {
            Live.Add(child);
        }

        return child;
    }

    /// <summary>SIGSTOP: the process stops where it is; its sockets stay open and nothing answers.</summary>
    public void Pause() => Signal(SigStop);

    public void Resume() => Signal(SigCont);

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod, then waits for the process to exit on its own; past <paramref name="timeout"/>
    /// it is SIGKILLed. Returns whether it exited by itself.
    /// </summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return true;
        }

        Signal(SigTerm);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            return false;
        }
    }

    /// <summary>SIGKILL of the process and its children: no shutdown, nothing flushed.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            // A stopped process still dies of SIGKILL; resuming first only matters for its children.
            Signal(SigCont);
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        lock (Live)
        {
            Live.Remove(this);
        }

        _process.Dispose();
        _log.Dispose();
    }

    /// <summary>The last resort when the runner is told to exit: SIGKILL to every child still alive.</summary>
    public static void KillAll()
    {
        List<ChildProcess> children;
        lock (Live)
        {
            children = [.. Live];
        }

        foreach (var child in children)
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Signal(SigKill);
                }
            }
            catch (InvalidOperationException)
            {
                // Already reaped.
            }
        }
    }

    private void Signal(int signal)
    {
        if (Kill(Pid, signal) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.WriteLine(line);
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    // kill(2): .NET has no API to send SIGSTOP/SIGCONT to another process.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
