using Outbound.Configurations;
using Outbound.Grains.Catalog;
using Outbound.Triggers;

namespace Outbound.Grains.Triggers;

/// <summary>A trigger. Every save and delete is mirrored in the org's <see cref="ITriggerIndexGrain"/>, which events are matched against.</summary>
public sealed class TriggerGrain(
    [PersistentState("trigger", StorageNames.Catalog)] IPersistentState<CatalogItemState<Trigger>> state,
    TimeProvider time)
    : CatalogItemGrain<Trigger>(state, time), ITriggerGrain
{
    protected override CatalogKind Kind => CatalogKind.Trigger;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // A save or delete that stopped between its own write and the index's is completed here (a no-op when they agree).
        if (Exists)
        {
            await Index.PutAsync(ItemId, Item!);
        }
        else
        {
            await Index.RemoveAsync(ItemId);
        }
    }

    protected override async Task<(Trigger Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(Trigger item, Trigger? existing)
    {
        var configuration = await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(OrgId, item.ConfigurationId)).GetAsync();
        return configuration is null
            ? (item, ImmutableDictionary<string, string[]>.Empty.Add("configurationId", [$"No outbound configuration '{item.ConfigurationId}' exists."]))
            : (item, ImmutableDictionary<string, string[]>.Empty);
    }

    protected override Task OnSavedAsync(Trigger? previous, Trigger current) => Index.PutAsync(ItemId, current);

    protected override Task OnDeletedAsync(Trigger deleted) => Index.RemoveAsync(ItemId);

    private ITriggerIndexGrain Index => GrainFactory.GetGrain<ITriggerIndexGrain>(TriggerKeys.Index(OrgId));
}
