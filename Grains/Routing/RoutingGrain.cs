using Outbound.Grains.Storage;
using Outbound.Routing;

namespace Outbound.Grains.Routing;

/// <summary>
/// An org's routing table: which queue takes each channel's new conversations. Claims are decided here one at a
/// time, so two queues saved together can never both take one channel.
/// </summary>
public sealed class RoutingGrain(
    [PersistentState("routing", StorageNames.Conversations)] IPersistentState<RoutingState> state)
    : Grain, IRoutingGrain
{
    public Task<Guid?> QueueForChannelAsync(Guid channelId) =>
        Task.FromResult(state.State.ChannelQueues.TryGetValue(channelId, out var queueId) ? queueId : (Guid?)null);

    public async Task<ImmutableArray<Guid>> ClaimChannelsAsync(Guid queueId, ImmutableArray<Guid> channelIds)
    {
        var map = state.State.ChannelQueues;
        var taken = channelIds.Where(c => map.TryGetValue(c, out var other) && other != queueId).ToImmutableArray();
        if (!taken.IsEmpty)
        {
            return taken;
        }

        var changed = Release(queueId);
        foreach (var channelId in channelIds)
        {
            changed |= !map.TryGetValue(channelId, out var current) || current != queueId;
            map[channelId] = queueId;
        }

        if (changed)
        {
            await state.WriteOwnStateAsync();
        }

        return [];
    }

    public async Task ReleaseQueueAsync(Guid queueId)
    {
        if (Release(queueId))
        {
            await state.WriteOwnStateAsync();
        }
    }

    private bool Release(Guid queueId)
    {
        var mine = state.State.ChannelQueues.Where(e => e.Value == queueId).Select(e => e.Key).ToList();
        foreach (var channelId in mine)
        {
            state.State.ChannelQueues.Remove(channelId);
        }

        return mine.Count > 0;
    }
}

/// <summary>One entry per channel that has a queue: bounded by the org's channels.</summary>
[GenerateSerializer]
public sealed class RoutingState
{
    [Id(0)] public Dictionary<Guid, Guid> ChannelQueues { get; set; } = [];
}
