using Outbound.Triggers;

namespace Outbound.Grains.Triggers;

/// <summary>An org's triggers by event type (see <see cref="ITriggerIndexGrain"/>). Keyed by <see cref="TriggerKeys.Index"/>.</summary>
public sealed class TriggerIndexGrain(
    [PersistentState("triggers", StorageNames.Catalog)] IPersistentState<TriggerIndexState> state)
    : Grain, ITriggerIndexGrain
{
    private ImmutableDictionary<string, ImmutableDictionary<Guid, Trigger>>? _byType;

    public async Task PutAsync(Guid triggerId, Trigger trigger)
    {
        if (state.State.Triggers.TryGetValue(triggerId, out var current) && current == trigger)
        {
            return;
        }

        state.State.Triggers[triggerId] = trigger;
        _byType = null;
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(Guid triggerId)
    {
        if (state.State.Triggers.Remove(triggerId))
        {
            _byType = null;
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableDictionary<string, ImmutableDictionary<Guid, Trigger>>> ForTypesAsync(ImmutableArray<string> eventTypes)
    {
        _byType ??= state.State.Triggers
            .GroupBy(t => t.Value.EventType, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.ToImmutableDictionary(t => t.Key, t => t.Value), StringComparer.Ordinal);
        var found = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<Guid, Trigger>>(StringComparer.Ordinal);
        foreach (var type in eventTypes)
        {
            if (_byType.TryGetValue(type, out var triggers))
            {
                found[type] = triggers;
            }
        }

        return Task.FromResult(found.ToImmutable());
    }
}

[GenerateSerializer, Alias("Outbound.TriggerIndexState")]
public sealed class TriggerIndexState
{
    [Id(0)] public Dictionary<Guid, Trigger> Triggers { get; set; } = [];
}
