using Outbound.Catalog;
using Outbound.Templates;

namespace Outbound.Configurations;

/// <summary>
/// An outbound configuration. It caches its resolved template and channel; the template and channel grains
/// invalidate that cache when they change, so a render after an update always sees the new version.
/// </summary>
public interface IConfigurationGrain : ICatalogItemGrain<OutboundConfiguration>
{
    /// <summary>Renders the configuration's template for one recipient; null if the configuration does not exist.</summary>
    Task<RenderResult?> RenderAsync(string? locale, ImmutableDictionary<string, string> contextItems);

    /// <summary>Drops the cached template and channel. Interleaves: it only clears memory and must not wait behind a render that is loading them.</summary>
    [AlwaysInterleave]
    Task InvalidateAsync();

    /// <summary>Whether this configuration uses the channel or template <paramref name="itemId"/>.</summary>
    [AlwaysInterleave]
    Task<bool> UsesAsync(Guid itemId);
}
