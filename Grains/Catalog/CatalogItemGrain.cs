namespace Outbound.Grains.Catalog;

/// <summary>
/// Create, replace, get and delete for one org-owned item, plus its entry in the org's index.
/// Subclasses add the rules of their kind in <see cref="PrepareAsync"/>.
/// </summary>
public abstract class CatalogItemGrain<TItem>(IPersistentState<CatalogItemState<TItem>> state, TimeProvider time)
    : Grain, ICatalogItemGrain<TItem>
    where TItem : class
{
    protected abstract CatalogKind Kind { get; }

    protected Guid OrgId { get; private set; }

    protected Guid ItemId { get; private set; }

    protected IPersistentState<CatalogItemState<TItem>> State => state;

    protected TimeProvider Time => time;

    protected bool Exists => state.RecordExists && state.State.Item is not null;

    /// <summary>The item as the grain works with it (state holds its stored form, see <see cref="Seal"/>); null if none.</summary>
    protected TItem? Item { get; private set; }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (OrgId, ItemId) = CatalogKeys.ParseItem(this.GetPrimaryKeyString());
        if (Exists)
        {
            (Item, var outdated) = Open(state.State.Item!);
            if (outdated)
            {
                // Stored before its current form (secrets in plain text, or sealed with a retired key): rewritten now.
                state.State.Item = Seal(Item);
                await state.WriteStateAsync(cancellationToken);
            }
        }
    }

    public async Task<SaveResult<TItem>> CreateAsync(TItem item)
    {
        if (Exists)
        {
            return SaveResult<TItem>.Invalid(ImmutableDictionary<string, string[]>.Empty.Add("id", ["An item with this id already exists."]));
        }

        var (prepared, errors) = await PrepareAsync(item, existing: null);
        if (!errors.IsEmpty)
        {
            return SaveResult<TItem>.Invalid(errors);
        }

        // Index first: a listed id whose grain holds nothing is skipped when listing, while an item that
        // was stored but never indexed would be invisible for good.
        await Index.AddAsync(ItemId);
        var now = time.GetUtcNow();
        state.State = new CatalogItemState<TItem> { Item = Seal(prepared), Version = 1, CreatedAt = now, UpdatedAt = now };
        Item = prepared;
        await state.WriteStateAsync();
        await OnSavedAsync(previous: null, prepared);
        return SaveResult<TItem>.Ok(Stored()!);
    }

    public async Task<SaveResult<TItem>> ReplaceAsync(TItem item)
    {
        if (!Exists)
        {
            return SaveResult<TItem>.NotFound();
        }

        var previous = Item!;
        var (prepared, errors) = await PrepareAsync(item, previous);
        if (!errors.IsEmpty)
        {
            return SaveResult<TItem>.Invalid(errors);
        }

        state.State.Item = Seal(prepared);
        Item = prepared;
        state.State.Version++;
        state.State.UpdatedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        await OnSavedAsync(previous, prepared);
        return SaveResult<TItem>.Ok(Stored()!);
    }

    public Task<StoredItem<TItem>?> GetAsync() => Task.FromResult(Stored());

    public async Task<DeleteResult> DeleteAsync()
    {
        if (!Exists)
        {
            return new DeleteResult(DeleteStatus.NotFound, []);
        }

        var usedBy = await CurrentUsersAsync();
        if (!usedBy.IsEmpty)
        {
            return new DeleteResult(DeleteStatus.InUse, usedBy);
        }

        var deleted = Item!;
        await state.ClearStateAsync();
        Item = null;
        await Index.RemoveAsync(ItemId);
        await OnDeletedAsync(deleted);
        return new DeleteResult(DeleteStatus.Deleted, []);
    }

    /// <summary>Checks <paramref name="item"/> against the rules of its kind and returns it as it should be stored.</summary>
    protected abstract Task<(TItem Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(TItem item, TItem? existing);

    /// <summary>The form <paramref name="item"/> is stored in; a channel seals its secrets here. The item itself by default.</summary>
    protected virtual TItem Seal(TItem item) => item;

    /// <summary>The item from its stored form, and whether that form is outdated (to be sealed again and rewritten).</summary>
    protected virtual (TItem Item, bool Outdated) Open(TItem stored) => (stored, false);

    /// <summary>Runs after a create or replace has been stored.</summary>
    protected virtual Task OnSavedAsync(TItem? previous, TItem current) => Task.CompletedTask;

    /// <summary>Runs after a delete has been stored.</summary>
    protected virtual Task OnDeletedAsync(TItem deleted) => Task.CompletedTask;

    /// <summary>The configurations that still use this item; a delete is refused while there are any.</summary>
    protected virtual Task<ImmutableArray<Guid>> CurrentUsersAsync() => Task.FromResult(ImmutableArray<Guid>.Empty);

    protected StoredItem<TItem>? Stored() =>
        Exists ? new StoredItem<TItem>(ItemId, Item!, state.State.Version, state.State.CreatedAt, state.State.UpdatedAt) : null;

    private ICatalogIndexGrain Index => GrainFactory.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(OrgId, Kind));
}
