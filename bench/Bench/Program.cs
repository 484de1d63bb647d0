using System.Globalization;
using Outbound.Bench;
using Outbound.Bench.Report;

// Two commands: `run` measures one scenario against a running system and writes its JSON;
// `report` turns a folder of JSON results into the markdown of docs/benchmarks.md.
// bench.sh starts the processes and calls both.
if (args.Length == 0 || args[0] is not ("run" or "report"))
{
    Console.Error.WriteLine("usage: Bench run --scenario throughput|contacts|faults|conversations|agents|audience|campaign [--gateway URL --fake URL --admin-key K ...]");
    Console.Error.WriteLine("       Bench report --results DIR --out FILE [--command TEXT] [--note TEXT]");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (args[0] == "report")
{
    string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    var results = MarkdownReport.Load(Arg("--results") ?? throw new ArgumentException("--results DIR is required."));
    var output = Arg("--out") ?? throw new ArgumentException("--out FILE is required.");
    var markdown = MarkdownReport.Render(results, Arg("--command") ?? "./bench.sh all --runs 3", MachineInfo.Describe(), DateTimeOffset.UtcNow, Arg("--note"));
    // The hand-written analysis below the marker (what bounds the numbers) survives a new run of the bench.
    await MarkdownReport.WriteKeepingAnalysisAsync(output, markdown, cancel.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Arg("--out")} from {results.Count} results"));
    return 0;
}

var options = BenchOptions.Parse(args[1..]);
var result = await new BenchRunner(options, Console.Out).RunAsync(cancel.Token);
foreach (var memory in result.Memory)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {memory.Process}: peak RSS {memory.PeakRssMiB:F0} MiB, at the end {memory.EndRssMiB:F0} MiB"));
}

// Non-zero when a message was lost or duplicated: the one outcome that is a bug, not a slow machine.
return result.Clean ? 0 : 1;
