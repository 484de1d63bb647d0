using Outbound.Grains.Catalog;
using Outbound.Templates;

namespace Outbound.Grains.Templates;

/// <summary>A message template with its localized versions.</summary>
public sealed class TemplateGrain(
    [PersistentState("template", StorageNames.Catalog)] IPersistentState<CatalogItemState<MessageTemplate>> state,
    TimeProvider time)
    : ReferencedItemGrain<MessageTemplate>(state, time), ITemplateGrain
{
    protected override CatalogKind Kind => CatalogKind.Template;

    public Task<RenderResult?> RenderAsync(string? locale, ImmutableDictionary<string, string> contextItems) =>
        Task.FromResult(Exists ? TemplateRenderer.Render(State.State.Item!, locale, contextItems) : null);

    protected override Task<(MessageTemplate Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(MessageTemplate item, MessageTemplate? existing)
    {
        var errors = TemplateValidator.Validate(item);
        if (!errors.IsEmpty)
        {
            return Task.FromResult((item, errors));
        }

        if (existing is not null && existing.ChannelType != item.ChannelType && State.State.UsedBy.Count > 0)
        {
            return Task.FromResult((item, ChannelTypeLockedError("channelType")));
        }

        return Task.FromResult((TemplateValidator.Normalize(item), errors));
    }
}
