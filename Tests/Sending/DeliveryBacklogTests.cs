using Outbound.Grains.Sending;

namespace Outbound.Tests.Sending;

/// <summary>Admission control shares a silo's delivery backlog among the orgs that are sending.</summary>
public sealed class DeliveryBacklogTests
{
    private static readonly Guid Bulk = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();

    [Fact]
    public void An_org_alone_may_fill_the_whole_backlog()
    {
        var backlog = new DeliveryBacklog(1_000);

        backlog.Add(Bulk, 900);
        Assert.False(backlog.IsFull(Bulk));

        backlog.Add(Bulk, 100);
        Assert.True(backlog.IsFull(Bulk));
    }

    [Fact]
    public void One_org_that_filled_the_backlog_does_not_keep_another_out()
    {
        var backlog = new DeliveryBacklog(1_000);
        backlog.Add(Bulk, 1_000);

        Assert.False(backlog.IsFull(Other));
    }

    [Fact]
    public void Once_two_orgs_are_sending_each_waits_past_half_of_the_backlog()
    {
        var backlog = new DeliveryBacklog(1_000);
        backlog.Add(Bulk, 1_000);
        backlog.Add(Other, 100);

        backlog.Remove(Bulk, 400);
        Assert.True(backlog.IsFull(Bulk));
        Assert.False(backlog.IsFull(Other));

        backlog.Remove(Bulk, 101);
        Assert.False(backlog.IsFull(Bulk));
        Assert.Equal(599, backlog.Waiting);
    }

    [Fact]
    public void An_org_whose_messages_all_left_no_longer_takes_a_share()
    {
        var backlog = new DeliveryBacklog(1_000);
        backlog.Add(Other, 100);
        backlog.Remove(Other, 100);

        backlog.Add(Bulk, 999);

        Assert.False(backlog.IsFull(Bulk));
    }
}
