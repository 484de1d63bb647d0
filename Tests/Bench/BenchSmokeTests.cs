using Outbound.Bench;
using Outbound.Bench.Measure;
using Xunit.Abstractions;

namespace Outbound.Tests.Bench;

/// <summary>
/// A seconds-long run of the benchmark's in-process entry point against the test system: it must finish, and
/// every accepted message must reach the provider fake exactly once. Numbers are not asserted: they belong to
/// <c>./bench.sh</c> on an idle machine.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 150_000)]
    public async Task A_short_bench_run_completes_with_nothing_lost_or_duplicated()
    {
        var result = await SmokeRuns.RunAsync(output, options => options with
        {
            ContactsPerRequest = 20,
            CeilingConcurrency = 4,
        });

        foreach (var name in new[] { PhaseNames.Closed, PhaseNames.Open })
        {
            var phase = result.Phase(name);
            Assert.NotNull(phase);
            Assert.True(phase.AcceptedMessages > 0, $"{name}: nothing was accepted.");
            Assert.True(phase.Lost == 0, $"{name}: {phase.Lost} lost ({string.Join(", ", phase.LostStatuses.Select(s => $"{s.Value}× {s.Key}"))}).");
            Assert.Equal(0, phase.Duplicated);
        }

        Assert.True(result.Phase(PhaseNames.Ceiling)?.AcceptedMessages > 0, "The ceiling phase sent nothing.");
    }
}
