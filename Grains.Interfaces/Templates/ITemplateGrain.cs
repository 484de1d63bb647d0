using Outbound.Catalog;

namespace Outbound.Templates;

/// <summary>A message template of one org.</summary>
public interface ITemplateGrain : IReferencedItemGrain<MessageTemplate>
{
    /// <summary>Renders the template for one recipient; null if the template does not exist.</summary>
    [AlwaysInterleave]
    Task<RenderResult?> RenderAsync(string? locale, ImmutableDictionary<string, string> contextItems);
}
