using Outbound.Activities;
using Outbound.Sending;

namespace Outbound.Tests.Activities;

/// <summary>
/// The activity records over time, on the in-process system: a message the provider never settles is reconciled,
/// and records past the retention are removed from the message store and the indexes alike.
/// </summary>
public sealed class ActivityRecordTests(InProcessSystem system) : IClassFixture<InProcessSystem>
{
    [Fact]
    public async Task A_message_without_a_final_status_an_hour_after_acceptance_is_settled_as_unknown()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber()));
        var messageId = receipt.Results[0].MessageId!;
        await system.WaitForMessageAsync(org, messageId, MessageStatus.Sent);
        await Eventually.ReturnsAsync(() => Task.FromResult(system.Activities.Batches(org)), rows => rows.Count == 1);

        system.Clock.Advance(TimeSpan.FromMinutes(61));
        await system.Grains.GetGrain<IActivityTrackerGrain>(org).SweepAsync();

        var message = await system.WaitForMessageAsync(org, messageId, MessageStatus.Unknown);
        Assert.Equal(MessageStatus.Unknown, message.Status);
        var row = Assert.Single(system.Activities.Batches(org));
        Assert.True(row.Settled);
        Assert.Equal(1, row.Unknown);
    }

    [Fact]
    public async Task Records_past_the_retention_leave_the_message_store_and_the_timeline()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var to = InProcessSystem.UniqueNumber();
        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(to));
        var messageId = receipt.Results[0].MessageId!;
        await system.WaitForMessageAsync(org, messageId, MessageStatus.Sent);
        var timeline = new TimelineQuery(TimelineKind.Contact, to, 10, null);
        await Eventually.ReturnsAsync(() => system.Grains.GetGrain<IActivityQueryGrain>(org).GetTimelineAsync(timeline), page => page.Items.Length == 1);

        system.Clock.Advance(TimeSpan.FromDays(91));
        await system.Grains.GetGrain<IActivityTrackerGrain>(org).SweepAsync();

        Assert.True(MessageIds.TryParse(messageId, out var batchId, out var index));
        Assert.Null(await system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org, batchId)).GetMessageAsync(index));
        Assert.Empty(system.Activities.Batches(org));
        Assert.Empty((await system.Grains.GetGrain<IActivityQueryGrain>(org).GetTimelineAsync(timeline)).Items);
    }
}
