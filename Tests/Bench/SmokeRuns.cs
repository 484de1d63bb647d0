using Outbound.Bench;
using Outbound.Bench.Measure;
using Xunit.Abstractions;

namespace Outbound.Tests.Bench;

/// <summary>A seconds-long run of a bench scenario, in process, against a test system of its own.</summary>
public static class SmokeRuns
{
    /// <summary>
    /// Runs the bench with the options <paramref name="tune"/> makes of the defaults (the system's addresses, 2 orgs,
    /// 2 in flight, 1 s warm-up, 2 s phases, an open loop of 5/s) and writes its log to <paramref name="output"/>.
    /// </summary>
    public static async Task<ScenarioResult> RunAsync(ITestOutputHelper output, Func<BenchOptions, BenchOptions> tune)
    {
        var system = new OutboundSystem();
        await system.InitializeAsync();
        try
        {
            var options = tune(new BenchOptions
            {
                Gateway = system.GatewayUrl,
                Fake = system.Providers.BaseUrl,
                AdminKey = OutboundSystem.AdminKey,
                TwilioAccountSid = Api.AccountSid,
                TwilioAuthToken = Api.TwilioAuthToken,
                Orgs = 2,
                Concurrency = 2,
                Warmup = TimeSpan.FromSeconds(1),
                Duration = TimeSpan.FromSeconds(2),
                Rate = 5,
                // Generous: the whole suite runs beside it on 2 cores, and a slow drain is not what these tests are about.
                DrainTimeout = TimeSpan.FromSeconds(60),
            });
            var log = new StringWriter();
            // The bench's own timeouts end it well before this; this only guarantees the test cannot hang.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(140));
            try
            {
                return await new BenchRunner(options, TextWriter.Synchronized(log)).RunAsync(deadline.Token);
            }
            finally
            {
                output.WriteLine(log.ToString());
            }
        }
        finally
        {
            await system.DisposeAsync();
        }
    }
}
