using Outbound.Chaos;
using Xunit.Abstractions;

namespace Outbound.Tests.Reliability;

/// <summary>
/// The rolling restart's short form (<see cref="ChaosOptions.RollingRestartShort"/>): three silo processes and two
/// gateways on a stack of their own; while tagged sends run over both gateways, each silo in turn is stopped with
/// SIGTERM and started again, then one is SIGKILLed and started again, and the org's hourly quota runs out near the
/// end. An operator upgrading the cluster relies on all of it: nothing lost or sent twice, no 5xx, new work on every
/// silo once they are back, and exactly the quota's requests accepted. The long run: tools/Chaos/README.md.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    [Fact(Timeout = 420_000)]
    public async Task A_rolling_restart_under_load_loses_nothing_answers_no_5xx_and_keeps_the_quota_exact()
    {
        var (result, logs) = await ChaosRun.RunAsync(ChaosOptions.RollingRestartShort, output, TimeSpan.FromSeconds(400));
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
