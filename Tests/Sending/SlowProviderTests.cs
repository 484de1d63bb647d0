using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// A slow provider delays messages and nothing else: a round never gives up on calls that still run, a message
/// that waits for a free connection is deferred rather than counted as an attempt, and nothing is sent twice.
/// </summary>
[Collection(DeliveryFaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SlowProviderTests(DeliveryFaultsSystem system)
{
    [Fact]
    public async Task Messages_queued_behind_the_channels_connections_are_deferred_not_attempted_and_sent_once()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        // Two connections per channel at 0.4 s a send: a round of 24 takes five seconds, past its two-second budget.
        await system.Providers.SetFaultsAsync(new { latencyMs = 400 });
        try
        {
            var ids = await org.SendTaggedAsync(configuration, run, 24);

            var messages = await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
            Assert.All(messages, m => Assert.Equal(1, m.Attempts()));
            Assert.All(messages, m => Assert.False(m["ambiguous"]!.GetValue<bool>()));
            Assert.Contains(messages, m => m["history"]!.AsArray().Any(h => h!["errorCode"]?.GetValue<string>() == "queued"));
            await system.AssertEachSentOnceAsync(run, 24);
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task A_call_held_past_its_timeout_that_the_provider_took_is_found_there_and_not_sent_again()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        // A third of the sends are held longer than the one-second attempt timeout, then accepted: outcomes unknown.
        // No status callback tells the silo otherwise: only asking the provider can.
        await system.Providers.SetFaultsAsync(new { timeout = 0.3, timeoutMs = 2_500, timeoutAccepted = true, lostCallbacks = true, seed = 11 });
        try
        {
            var ids = await org.SendTaggedAsync(configuration, run, 20);

            var messages = await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
            var held = messages.Where(m => m["history"]!.AsArray().Any(h => h!["errorCode"]?.GetValue<string>() == "timeout")).ToList();
            Assert.NotEmpty(held);
            // Each held one was looked up at the provider, found, and adopted: one attempt, not sent again, not ambiguous.
            Assert.All(held, m => Assert.Equal(1, m.Attempts()));
            Assert.All(messages, m => Assert.False(m["ambiguous"]!.GetValue<bool>()));
            await system.AssertEachSentOnceAsync(run, 20);
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }
    }
}
