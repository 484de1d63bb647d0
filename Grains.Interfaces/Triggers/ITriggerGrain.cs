using Outbound.Catalog;

namespace Outbound.Triggers;

/// <summary>A trigger of an org, keyed by <see cref="CatalogKeys.Item"/>. Saving one also updates its org's <see cref="ITriggerIndexGrain"/>.</summary>
public interface ITriggerGrain : ICatalogItemGrain<Trigger>;

/// <summary>
/// An org's triggers by event type, keyed by the org id: what an event of a type must run through, found with one
/// call instead of a scan of the org's triggers.
/// </summary>
public interface ITriggerIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces the trigger (under its event type, leaving any other type it was under).</summary>
    Task PutAsync(Guid triggerId, Trigger trigger);

    Task RemoveAsync(Guid triggerId);

    /// <summary>The triggers of each of <paramref name="eventTypes"/>, by trigger id (types with none are left out).</summary>
    [AlwaysInterleave]
    Task<ImmutableDictionary<string, ImmutableDictionary<Guid, Trigger>>> ForTypesAsync(ImmutableArray<string> eventTypes);
}

/// <summary>Keys of the automation grains.</summary>
public static class TriggerKeys
{
    public static string Index(Guid orgId) => $"{orgId:D}";
}
