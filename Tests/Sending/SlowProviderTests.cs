using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// A slow provider delays messages and nothing else: a round never gives up on calls that still run, a message
/// that waits for a free connection is deferred rather than counted as an attempt, and nothing is sent twice.
/// </summary>
[Collection(DeliveryFaultsCollection.Name)]
public sealed class SlowProviderTests(DeliveryFaultsSystem system)
{
    [Fact]
    public async Task Messages_queued_behind_the_channels_connections_are_deferred_not_attempted_and_sent_once()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N");
        // Two connections per channel at 0.4 s a send: a round of 24 takes five seconds, past its two-second budget.
        await system.Providers.SetFaultsAsync(new { latencyMs = 400 });
        try
        {
            var ids = await org.SendTaggedAsync(configuration, run, 24);

            var messages = await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
            Assert.All(messages, m => Assert.Equal(1, m.Attempts()));
            Assert.All(messages, m => Assert.False(m["ambiguous"]!.GetValue<bool>()));
            Assert.Contains(messages, m => m["history"]!.AsArray().Any(h => h!["errorCode"]?.GetValue<string>() == "queued"));
            var ledger = await system.LedgerBodiesAsync(run);
            Assert.Equal(24, ledger.Count);
            Assert.Equal(24, ledger.Distinct().Count());
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }
    }
}
