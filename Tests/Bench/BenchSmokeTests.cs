using Outbound.Bench;
using Outbound.Bench.Measure;
using Xunit.Abstractions;

namespace Outbound.Tests.Bench;

/// <summary>
/// A seconds-long run of the benchmark's in-process entry point against the test system: it must finish, and
/// every accepted message must reach the provider fake exactly once. Numbers are not asserted: they belong to
/// <c>./bench.sh</c> on an idle machine.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 150_000)]
    public async Task A_short_bench_run_completes_with_nothing_lost_or_duplicated()
    {
        var system = new OutboundSystem();
        await system.InitializeAsync();
        try
        {
            var options = new BenchOptions
            {
                Gateway = system.GatewayUrl,
                Fake = system.Providers.BaseUrl,
                AdminKey = OutboundSystem.AdminKey,
                TwilioAccountSid = Api.AccountSid,
                TwilioAuthToken = Api.TwilioAuthToken,
                Orgs = 2,
                Concurrency = 2,
                ContactsPerRequest = 20,
                Warmup = TimeSpan.FromSeconds(1),
                Duration = TimeSpan.FromSeconds(2),
                Rate = 5,
                CeilingConcurrency = 4,
                // Generous: the whole suite runs beside it on 2 cores, and a slow drain is not what this test is about.
                DrainTimeout = TimeSpan.FromSeconds(60),
            };
            var log = new StringWriter();
            // The bench's own timeouts end it well before this; this only guarantees the test cannot hang.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(140));
            ScenarioResult result;
            try
            {
                result = await new BenchRunner(options, TextWriter.Synchronized(log)).RunAsync(deadline.Token);
            }
            finally
            {
                output.WriteLine(log.ToString());
            }

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
        finally
        {
            await system.DisposeAsync();
        }
    }
}
