using Outbound.Chaos;
using Xunit.Abstractions;

namespace Outbound.Tests.Reliability;

/// <summary>
/// The chaos suite's short form (<see cref="ChaosOptions.Short"/>): a stack of its own (private Azurite, the provider
/// fake, two silo processes, two gateways), about 5,000 tagged messages over Twilio and ACS while a share of provider
/// requests is held past the provider timeout, the provider answers only 503s, Azurite is paused and a silo is
/// SIGKILLed and started again. Every accepted message must reach the provider exactly once or end in a recorded
/// failure: nothing lost, nothing left open, no ACS duplicate, Twilio duplicates only flagged ambiguous and rare.
/// The long run and what each number means: tools/Chaos/README.md.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact(Timeout = 270_000)]
    public async Task Every_accepted_message_reaches_the_provider_once_or_ends_recorded_whatever_the_faults()
    {
        var (result, logs) = await ChaosRun.RunAsync(ChaosOptions.Short, output, TimeSpan.FromSeconds(260));
        var total = result.Total;
        Assert.True(total.Accepted > 1_000, $"Only {total.Accepted} messages were accepted: the run proves little.");
        Assert.True(result.Verdict.Passed,
            $"The promise did not hold: {string.Join("; ", result.Verdict.Violations)}. "
            + $"Lost {total.Lost}, not final {total.NonFinal}, duplicated {total.DuplicatedMessages} ({total.DuplicatedAmbiguous} ambiguous), "
            + $"ambiguous {total.Ambiguous}. Processes' logs: {logs}");
        Directory.Delete(logs, recursive: true);
    }
}
