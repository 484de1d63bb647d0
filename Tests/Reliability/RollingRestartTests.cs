using Outbound.Chaos;
using Outbound.Chaos.Measure;
using Xunit.Abstractions;

namespace Outbound.Tests.Reliability;

/// <summary>
/// The rolling restart's short form (<see cref="ChaosOptions.RollingRestartShort"/>): three silo processes and two
/// gateways on a stack of their own; while tagged sends run over both gateways, each silo in turn is stopped with
/// SIGTERM and started again, then one is SIGKILLed and started again, and the org's hourly quota runs out near the
/// end. An operator upgrading the cluster relies on all of it: nothing lost or sent twice, no 5xx, new work on every
/// silo once they are back, and exactly the quota's requests accepted. The long run: tools/Chaos/README.md.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    [Fact(Timeout = 420_000)]
    public async Task A_rolling_restart_under_load_loses_nothing_answers_no_5xx_and_keeps_the_quota_exact()
    {
        var logs = Directory.CreateTempSubdirectory("rolling-restart-test-").FullName;
        var log = new StringWriter();
        // The runner's own timeouts end it well before this; this only guarantees the test cannot hang.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(400));
        ChaosResult result;
        try
        {
            result = await new ChaosRunner(ChaosOptions.RollingRestartShort with { Logs = logs }, TextWriter.Synchronized(log)).RunAsync(deadline.Token);
        }
        finally
        {
            output.WriteLine(log.ToString());
        }

        var total = result.Total;
        var rolling = result.RollingRestart!;
        Assert.True(total.Accepted > 1_000, $"Only {total.Accepted} messages were accepted: the run proves little.");
        Assert.True(result.Verdict.Passed,
            $"The rolling restart broke a promise: {string.Join("; ", result.Verdict.Violations)}. "
            + $"Lost {total.Lost}, duplicated {total.DuplicatedMessages}, not final {total.NonFinal}, 5xx {result.Answers?.ServerErrors}, "
            + $"quota {rolling.Quota}. Processes' logs: {logs}");
        Directory.Delete(logs, recursive: true);
    }
}
