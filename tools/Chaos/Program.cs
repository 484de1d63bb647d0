using System.Runtime.InteropServices;
using System.Text.Json;
using Outbound.Bench.Report;
using Outbound.Chaos;
using Outbound.Chaos.Measure;
using Outbound.Chaos.Report;

// Two commands: `run` starts a stack of its own, breaks it on schedule under load and judges the delivery promise
// (exit 1 when it did not hold); `report` renders a run's JSON as markdown (tools/chaos.sh --report FILE).
if (args.Length == 0 || args[0] is not ("run" or "report"))
{
    Console.Error.WriteLine("usage: Chaos run [--short] [--rate R] [--duration S] [--slow|--outage|--stall|--crash on|off] [--<fault>-at S] [--<fault>-for S] ...");
    Console.Error.WriteLine("       Chaos report --result FILE.json --out FILE.md [--command TEXT]");
    Console.Error.WriteLine("Options: tools/Chaos/README.md.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops the run cleanly (faults cleared, processes killed); a second one ends it at once.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
});

if (args[0] == "report")
{
    string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    var json = await File.ReadAllTextAsync(Arg("--result") ?? throw new ArgumentException("--result FILE is required."), cancel.Token);
    var result = JsonSerializer.Deserialize<ChaosResult>(json, ChaosRunner.Json) ?? throw new ArgumentException("The file holds no result.");
    var output = Arg("--out") ?? throw new ArgumentException("--out FILE is required.");
    await ChaosReport.WriteAsync(output, result, Arg("--command") ?? "./tools/chaos.sh", cancel.Token);
    Console.WriteLine($"wrote {output}");
    return 0;
}

ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args[1..]);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"chaos: {e.Message}");
    return 2;
}

try
{
    var outcome = await new ChaosRunner(options, Console.Out).RunAsync(cancel.Token);
    return outcome.Verdict.Passed ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("chaos: stopped");
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
{
    // The stack or the setup failed: no verdict, and not the same thing as a broken promise.
    Console.Error.WriteLine($"chaos: the run could not be made: {e.Message}");
    return 3;
}
