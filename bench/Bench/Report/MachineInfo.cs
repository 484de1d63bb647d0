using System.Globalization;

namespace Outbound.Bench.Report;

/// <summary>What the numbers were measured on, from /proc (so a reader can tell a laptop from a CI box).</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var cpu = Read("/proc/cpuinfo");
        var model = cpu.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var logical = cpu.Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        var memKib = Read("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            ?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var memGib = memKib is null ? "?" : (long.Parse(memKib, CultureInfo.InvariantCulture) / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
        return $"{model}, {logical} logical CPUs (`Environment.ProcessorCount` = {Environment.ProcessorCount}), {memGib} GiB RAM, " +
            $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    private static string[] Read(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
