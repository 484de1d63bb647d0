namespace Outbound.Catalog;

/// <summary>
/// An item an org configures (channel, template, outbound configuration). Keyed by
/// <see cref="CatalogKeys.Item"/>; creating one also lists it in the org's index for its kind.
/// </summary>
public interface ICatalogItemGrain<TItem> : IGrainWithStringKey
    where TItem : class
{
    /// <summary>Creates the item; fails with <see cref="SaveStatus.Invalid"/> if it breaks a rule.</summary>
    Task<SaveResult<TItem>> CreateAsync(TItem item);

    /// <summary>Replaces the item; <see cref="SaveStatus.NotFound"/> if it does not exist.</summary>
    Task<SaveResult<TItem>> ReplaceAsync(TItem item);

    /// <summary>The stored item, or null if there is none.</summary>
    [AlwaysInterleave]
    Task<StoredItem<TItem>?> GetAsync();

    /// <summary>Deletes the item unless an outbound configuration still uses it.</summary>
    Task<DeleteResult> DeleteAsync();
}

/// <summary>
/// An item that outbound configurations reference (channel, template). It remembers which configurations
/// use it so that a change reaches their caches and a delete cannot orphan them.
/// </summary>
public interface IReferencedItemGrain<TItem> : ICatalogItemGrain<TItem>
    where TItem : class
{
    /// <summary>Records that <paramref name="configurationId"/> uses this item and returns it (null if it does not exist).</summary>
    Task<StoredItem<TItem>?> AttachAsync(Guid configurationId);

    /// <summary>Forgets that <paramref name="configurationId"/> uses this item.</summary>
    Task DetachAsync(Guid configurationId);
}

/// <summary>The ids of one kind of item an org owns, in id order (ids are time-ordered, so creation order).</summary>
public interface ICatalogIndexGrain : IGrainWithStringKey
{
    Task AddAsync(Guid id);

    Task RemoveAsync(Guid id);

    /// <summary>Up to <paramref name="limit"/> ids greater than <paramref name="after"/>.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<Guid>> ListAsync(Guid? after, int limit);
}
