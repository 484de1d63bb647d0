using System.Net;
using System.Net.Http.Json;
using Outbound.Sending;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// The delivery loop never stalls: a failure inside it (storage, a configuration lookup) is retried with backoff,
/// the org's share of the delivery backlog is given back meanwhile, and every message still reaches a final state.
/// </summary>
[Collection(DeliveryFaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DeliveryStallTests(DeliveryFaultsSystem system)
{
    [Fact]
    public async Task Storage_failing_while_delivering_delays_messages_and_does_not_keep_the_org_from_sending()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        var strikes = system.Faults.StorageFailures;
        system.Faults.FailingStateWrites = "inflight";
        string[] first, second;
        try
        {
            // Twenty messages: the org's whole share of the backlog, stuck before their first round can be recorded.
            first = await org.SendTaggedAsync(configuration, $"{run}-a", 20);
            await Eventually.HoldsAsync(() => Task.FromResult(system.Faults.StorageFailures >= strikes + 2), TimeSpan.FromSeconds(30), "delivery never tried again");

            // A batch that cannot make progress has given its share back: the org's next send is accepted, not busy.
            second = await org.SendTaggedAsync(configuration, $"{run}-b", 5);
        }
        finally
        {
            system.Faults.Clear();
        }

        await org.WaitUntilAllAsync([.. first, .. second], m => m.IsSentOrDelivered());
        await system.AssertEachSentOnceAsync(run, 25);
    }

    [Fact]
    public async Task A_configuration_lookup_that_throws_delays_delivery_and_loses_nothing()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        var strikes = system.Faults.StorageFailures;
        var lookups = system.Faults.BindingFailures;
        string[] ids;
        try
        {
            // Held before its first round, so that round's configuration lookup comes after the switch below.
            system.Faults.FailingStateWrites = "inflight";
            ids = await org.SendTaggedAsync(configuration, run, 10);
            await Eventually.HoldsAsync(() => Task.FromResult(system.Faults.StorageFailures > strikes), TimeSpan.FromSeconds(30), "delivery never started");
            system.Faults.BindingLookupsFail = true;
            system.Faults.FailingStateWrites = null;
            await Eventually.HoldsAsync(() => Task.FromResult(system.Faults.BindingFailures >= lookups + 2), TimeSpan.FromSeconds(30), "delivery never tried again");
        }
        finally
        {
            system.Faults.Clear();
        }

        await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
        await system.AssertEachSentOnceAsync(run, 10);
    }

    [Fact]
    public async Task A_write_that_landed_though_it_reported_a_failure_does_not_block_the_batch()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        var strikes = system.Faults.StorageFailures;
        string[] ids;
        // No status callback comes to reactivate the batch: it must get past the conflict on its own.
        await system.Providers.SetFaultsAsync(new { lostCallbacks = true });
        try
        {
            // The round's outcomes are stored, but the batch hears a failure and keeps the old ETag.
            system.Faults.LandingStateWrites = "progress";
            ids = await org.SendTaggedAsync(configuration, run, 5);
            await Eventually.HoldsAsync(() => Task.FromResult(system.Faults.StorageFailures > strikes), TimeSpan.FromSeconds(30), "no write landed");
            system.Faults.Clear();
            // Its next write gets past the conflict: what was sent is stored, not only held in memory.
            await Eventually.HoldsAsync(
                async () => (await Task.WhenAll(ids.Select(id => system.StoredStatusAsync(org.OrgId, id)))).All(s => s == MessageStatus.Sent),
                TimeSpan.FromSeconds(30), "the sent messages were never stored");
        }
        finally
        {
            system.Faults.Clear();
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }

        await system.AssertEachSentOnceAsync(run, 5);
    }
}
