namespace Outbound.Routing;

/// <summary>An org's routing table, keyed by the org id: which queue takes each channel's new conversations.</summary>
public interface IRoutingGrain : IGrainWithGuidKey
{
    /// <summary>The queue that takes new conversations on <paramref name="channelId"/>; null if no queue lists the channel.</summary>
    [AlwaysInterleave]
    Task<Guid?> QueueForChannelAsync(Guid channelId);
}

public static class RoutingKeys
{
    public static string Queue(Guid orgId, Guid queueId) => $"{orgId:D}/{queueId:D}";

    public static string Agent(Guid orgId, Guid agentId) => $"{orgId:D}/{agentId:D}";
}
