using System.Globalization;

namespace Outbound.Bench.Measure;

/// <summary>
/// Samples the resident memory of the silo and gateway processes from <c>/proc/{pid}/status</c> once a second:
/// VmRSS for the timeline, VmHWM (the kernel's own high-water mark) for the peak, so a spike between two
/// samples is not missed.
/// </summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, double> _retiredPeaks = [];
    private readonly Func<long> _progress;
    private readonly List<MemorySample> _samples = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="progress">Messages accepted so far, stored with each sample.</param>
    public ProcessSampler(IReadOnlyDictionary<string, int> pids, Func<long> progress)
    {
        _pids = new Dictionary<string, int>(pids);
        _progress = progress;
        _loop = _pids.Count == 0 ? Task.CompletedTask : LoopAsync();
    }

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The peak counts every process that bore the name (a silo killed and started again is one "silo").</summary>
    public IReadOnlyList<ProcessMemory> Summary() =>
        [.. Pids().Select(p =>
        {
            var (rss, hwm) = Read(p.Value);
            var sampledPeak = Samples.Where(s => s.Process == p.Key).Select(s => s.RssMiB).DefaultIfEmpty(0).Max();
            var retired = RetiredPeak(p.Key);
            return new ProcessMemory(p.Key, p.Value, Math.Max(Math.Max(hwm ?? 0, sampledPeak), retired), rss ?? double.NaN);
        })];

    /// <summary>
    /// Reads <paramref name="name"/>'s high-water mark now, while its process still exists (call it just before a
    /// kill), so a peak between two samples is kept once the process is gone.
    /// </summary>
    public void KeepPeak(string name)
    {
        if (Pids().TryGetValue(name, out var pid) && Read(pid).Hwm is { } hwm)
        {
            lock (_samples)
            {
                _retiredPeaks[name] = Math.Max(hwm, _retiredPeaks.GetValueOrDefault(name));
            }
        }
    }

    /// <summary>From now on <paramref name="name"/> is the process <paramref name="pid"/> (e.g. a restarted silo).</summary>
    public void Replace(string name, int pid)
    {
        lock (_samples)
        {
            _pids[name] = pid;
        }
    }

    /// <summary>CPU seconds (user + system) each process has used so far, from <c>/proc/{pid}/stat</c>.</summary>
    public IReadOnlyDictionary<string, double> CpuSnapshot() =>
        Pids().Select(p => (p.Key, Cpu: CpuSeconds(p.Value))).Where(p => p.Cpu is not null).ToDictionary(p => p.Key, p => p.Cpu!.Value);

    private Dictionary<string, int> Pids()
    {
        lock (_samples)
        {
            return new Dictionary<string, int>(_pids);
        }
    }

    private double RetiredPeak(string name)
    {
        lock (_samples)
        {
            return _retiredPeaks.GetValueOrDefault(name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var at = (DateTimeOffset.UtcNow - _started).TotalSeconds;
            foreach (var (name, pid) in Pids())
            {
                if (Read(pid).Rss is { } rss)
                {
                    lock (_samples)
                    {
                        _samples.Add(new MemorySample(Math.Round(at, 1), name, rss, _progress()));
                    }
                }
            }
        }
        while (await Wait(timer));
    }

    private async Task<bool> Wait(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>VmRSS and VmHWM in MiB, or nulls when the process is gone (or this is not Linux).</summary>
    private static (double? Rss, double? Hwm) Read(int pid)
    {
        try
        {
            double? rss = null, hwm = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kib(line) / 1024.0;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kib(line) / 1024.0;
                }
            }

            return (rss, hwm);
        }
        catch (IOException)
        {
            return (null, null);
        }
        catch (UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    private static double? CpuSeconds(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
