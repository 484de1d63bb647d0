using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Grains.Catalog;
using Outbound.Templates;

namespace Outbound.Grains.Configurations;

/// <summary>
/// An outbound configuration. It caches the template and channel it binds; they call
/// <see cref="InvalidateAsync"/> when they change, and every configuration is one activation in the
/// cluster, so the cache cannot go stale on another silo.
/// </summary>
public sealed class ConfigurationGrain(
    [PersistentState("configuration", StorageNames.Catalog)] IPersistentState<CatalogItemState<OutboundConfiguration>> state,
    TimeProvider time)
    : CatalogItemGrain<OutboundConfiguration>(state, time), IConfigurationGrain
{
    public const int MaxNameLength = 200;

    private ConfigurationBinding? _binding;

    // Bumped by every invalidation; a load that overlapped one must not fill the cache with what it read.
    private int _generation;

    protected override CatalogKind Kind => CatalogKind.Configuration;

    public async Task<RenderResult?> RenderAsync(string? locale, ImmutableDictionary<string, string> contextItems)
    {
        var binding = await GetBindingAsync();
        return binding is null ? null : TemplateRenderer.Render(binding.Template, locale, contextItems);
    }

    public async Task<ConfigurationBinding?> GetBindingAsync()
    {
        if (_binding is not null || !Exists)
        {
            return _binding;
        }

        var configuration = State.State.Item!;
        var generation = _generation;
        var template = Template(configuration.TemplateId).GetAsync();
        var channel = Channel(configuration.ChannelId).GetAsync();
        if (await template is not { } t || await channel is not { } c)
        {
            // Cannot happen while attachments hold (a used item refuses deletion); treat it as a missing configuration.
            return null;
        }

        var binding = new ConfigurationBinding(configuration, t.Item, c.Item);
        if (generation == _generation)
        {
            _binding = binding;
        }

        return binding;
    }

    public Task InvalidateAsync()
    {
        _binding = null;
        _generation++;
        return Task.CompletedTask;
    }

    public Task<bool> UsesAsync(Guid itemId) =>
        Task.FromResult(Exists && (State.State.Item!.ChannelId == itemId || State.State.Item!.TemplateId == itemId));

    protected override async Task<(OutboundConfiguration Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(
        OutboundConfiguration item, OutboundConfiguration? existing)
    {
        var errors = ImmutableDictionary.CreateBuilder<string, string[]>();
        if (string.IsNullOrWhiteSpace(item.Name) || item.Name.Length > MaxNameLength)
        {
            errors["name"] = [$"name is required and at most {MaxNameLength} characters."];
        }

        // Attaching both validates the references and registers this configuration for change notices.
        var channel = await Channel(item.ChannelId).AttachAsync(ItemId);
        var template = await Template(item.TemplateId).AttachAsync(ItemId);
        if (channel is null)
        {
            errors["channelId"] = [$"No channel '{item.ChannelId}' exists."];
        }
        else if (channel.Item.Type != item.ChannelType)
        {
            errors["channelId"] = [$"The channel is {Describe(channel.Item.Type)}, but the configuration is {Describe(item.ChannelType)}."];
        }

        if (template is null)
        {
            errors["templateId"] = [$"No template '{item.TemplateId}' exists."];
        }
        else if (template.Item.ChannelType != item.ChannelType)
        {
            errors["templateId"] = [$"The template is for {Describe(template.Item.ChannelType)}, but the configuration is {Describe(item.ChannelType)}."];
        }

        if (errors.Count > 0)
        {
            // Undo the attachments this attempt made; those of the stored version stay.
            await Task.WhenAll(
                existing?.ChannelId == item.ChannelId ? Task.CompletedTask : Channel(item.ChannelId).DetachAsync(ItemId),
                existing?.TemplateId == item.TemplateId ? Task.CompletedTask : Template(item.TemplateId).DetachAsync(ItemId));
        }

        return (item with { Name = item.Name?.Trim() ?? "" }, errors.ToImmutable());
    }

    protected override async Task OnSavedAsync(OutboundConfiguration? previous, OutboundConfiguration current)
    {
        await InvalidateAsync();
        if (previous is not null)
        {
            await Task.WhenAll(
                previous.ChannelId == current.ChannelId ? Task.CompletedTask : Channel(previous.ChannelId).DetachAsync(ItemId),
                previous.TemplateId == current.TemplateId ? Task.CompletedTask : Template(previous.TemplateId).DetachAsync(ItemId));
        }
    }

    protected override async Task OnDeletedAsync(OutboundConfiguration deleted)
    {
        await InvalidateAsync();
        await Task.WhenAll(Channel(deleted.ChannelId).DetachAsync(ItemId), Template(deleted.TemplateId).DetachAsync(ItemId));
    }

    private static string Describe(ChannelType type) => type == ChannelType.Sms ? "SMS" : "WhatsApp";

    private IChannelGrain Channel(Guid id) => GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(OrgId, id));

    private ITemplateGrain Template(Guid id) => GrainFactory.GetGrain<ITemplateGrain>(CatalogKeys.Item(OrgId, id));
}
