namespace Outbound.Routing;

/// <summary>An org's routing table, keyed by the org id: which queue takes each channel's new conversations.</summary>
public interface IRoutingGrain : IGrainWithGuidKey
{
    /// <summary>The queue that takes new conversations on <paramref name="channelId"/>; null if no queue lists the channel.</summary>
    [AlwaysInterleave]
    Task<Guid?> QueueForChannelAsync(Guid channelId);

    /// <summary>
    /// Makes <paramref name="queueId"/> the queue of exactly <paramref name="channelIds"/> (its other channels are
    /// released), unless another queue has one of them: then nothing changes and the answer lists those channels.
    /// </summary>
    Task<ImmutableArray<Guid>> ClaimChannelsAsync(Guid queueId, ImmutableArray<Guid> channelIds);

    /// <summary>The queue is deleted: its channels have no queue any more.</summary>
    Task ReleaseQueueAsync(Guid queueId);
}

public static class RoutingKeys
{
    public static string Queue(Guid orgId, Guid queueId) => $"{orgId:D}/{queueId:D}";

    public static string Agent(Guid orgId, Guid agentId) => $"{orgId:D}/{agentId:D}";
}
