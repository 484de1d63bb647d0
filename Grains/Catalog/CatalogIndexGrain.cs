namespace Outbound.Grains.Catalog;

/// <summary>The ids of one kind of item an org owns. Keyed by <see cref="CatalogKeys.Index"/>.</summary>
public sealed class CatalogIndexGrain(
    [PersistentState("index", StorageNames.Catalog)] IPersistentState<CatalogIndexState> state)
    : Grain, ICatalogIndexGrain
{
    public async Task AddAsync(Guid id)
    {
        if (state.State.Ids.Add(id))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(Guid id)
    {
        if (state.State.Ids.Remove(id))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<Guid>> ListAsync(Guid? after, int limit)
    {
        var ids = after is { } cursor
            ? state.State.Ids.Where(id => id.CompareTo(cursor) > 0)
            : state.State.Ids;
        return Task.FromResult(ids.Take(limit).ToImmutableArray());
    }
}

[GenerateSerializer]
public sealed class CatalogIndexState
{
    [Id(0)] public SortedSet<Guid> Ids { get; set; } = [];
}
