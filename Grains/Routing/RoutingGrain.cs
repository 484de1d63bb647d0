using Outbound.Routing;

namespace Outbound.Grains.Routing;

/// <summary>An org's routing table (queues arrive with #16; until then no channel has a queue).</summary>
public sealed class RoutingGrain : Grain, IRoutingGrain
{
    public Task<Guid?> QueueForChannelAsync(Guid channelId) => Task.FromResult<Guid?>(null);
}
