using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Templates;

namespace Outbound.Configurations;

/// <summary>
/// An outbound configuration. It caches its resolved template and channels (its channel and its fallback); the
/// template and channel grains invalidate that cache when they change, so a render after an update always sees the new version.
/// </summary>
public interface IConfigurationGrain : ICatalogItemGrain<OutboundConfiguration>
{
    /// <summary>Renders the configuration's template for one recipient; null if the configuration does not exist.</summary>
    Task<RenderResult?> RenderAsync(string? locale, ImmutableDictionary<string, string> contextItems);

    /// <summary>The configuration with its resolved template, channel and fallback channel (credentials included, for sending); null if it does not exist.</summary>
    Task<ConfigurationBinding?> GetBindingAsync();

    /// <summary>Drops the cached template and channels. Interleaves: it only clears memory and must not wait behind a render that is loading them.</summary>
    [AlwaysInterleave]
    Task InvalidateAsync();

    /// <summary>Whether this configuration uses the channel (as its channel or its fallback) or template <paramref name="itemId"/>.</summary>
    [AlwaysInterleave]
    Task<bool> UsesAsync(Guid itemId);
}

/// <summary>What a send needs from a configuration: the configuration, its template, its channel and its fallback channel.</summary>
/// <param name="Fallback">The channel named by <see cref="OutboundConfiguration.FallbackChannelId"/>, or null.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ConfigurationBinding")]
public sealed record ConfigurationBinding(
    [property: Id(0)] OutboundConfiguration Configuration,
    [property: Id(1)] MessageTemplate Template,
    [property: Id(2)] Channel Channel,
    [property: Id(3)] Channel? Fallback = null);
