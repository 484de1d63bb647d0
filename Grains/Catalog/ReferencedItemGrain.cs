using Outbound.Configurations;

namespace Outbound.Grains.Catalog;

/// <summary>
/// A catalog item that outbound configurations use (a channel or a template). It keeps the set of
/// configurations that attached to it, tells them when it changes, and refuses to be deleted under them.
/// </summary>
public abstract class ReferencedItemGrain<TItem>(IPersistentState<CatalogItemState<TItem>> state, TimeProvider time)
    : CatalogItemGrain<TItem>(state, time), IReferencedItemGrain<TItem>
    where TItem : class
{
    public async Task<StoredItem<TItem>?> AttachAsync(Guid configurationId)
    {
        if (!Exists)
        {
            return null;
        }

        if (State.State.UsedBy.Add(configurationId))
        {
            await State.WriteStateAsync();
        }

        return Stored();
    }

    public async Task DetachAsync(Guid configurationId)
    {
        if (Exists && State.State.UsedBy.Remove(configurationId))
        {
            await State.WriteStateAsync();
        }
    }

    /// <summary>
    /// Waits until every configuration that uses this item has dropped its cached copy, so that once the
    /// caller's update returns, no render anywhere in the cluster can use the old version.
    /// </summary>
    protected override Task OnSavedAsync(TItem? previous, TItem current) =>
        previous is null
            ? Task.CompletedTask
            : Task.WhenAll(State.State.UsedBy.Select(id => Configuration(id).InvalidateAsync()));

    protected override async Task<ImmutableArray<Guid>> CurrentUsersAsync()
    {
        // The set can hold configurations that have since been re-pointed or whose save failed half-way;
        // ask each one and forget those that no longer use this item.
        var users = State.State.UsedBy.ToArray();
        var uses = await Task.WhenAll(users.Select(id => Configuration(id).UsesAsync(ItemId)));
        var stale = users.Where((_, i) => !uses[i]).ToArray();
        if (stale.Length > 0)
        {
            State.State.UsedBy.ExceptWith(stale);
            await State.WriteStateAsync();
        }

        return [.. users.Where((_, i) => uses[i]).Order()];
    }

    /// <summary>An error for an item whose channel type changes while configurations depend on that type.</summary>
    protected ImmutableDictionary<string, string[]> ChannelTypeLockedError(string field) =>
        ImmutableDictionary<string, string[]>.Empty.Add(field,
            [$"The channel type cannot change while outbound configurations use this item ({string.Join(", ", State.State.UsedBy)})."]);

    private IConfigurationGrain Configuration(Guid id) => GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(OrgId, id));
}
