using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Grains.Catalog;
using Outbound.Templates;

namespace Outbound.Grains.Configurations;

/// <summary>
/// An outbound configuration. It caches the template and channels (its channel and its fallback) it binds; they
/// call <see cref="InvalidateAsync"/> when they change, and every configuration is one activation in the
/// cluster, so the cache cannot go stale on another silo.
/// </summary>
public sealed class ConfigurationGrain(
    [PersistentState("configuration", StorageNames.Catalog)] IPersistentState<CatalogItemState<OutboundConfiguration>> state,
    TimeProvider time)
    : CatalogItemGrain<OutboundConfiguration>(state, time), IConfigurationGrain
{
    public const int MaxNameLength = 200;

    public static readonly TimeSpan MaxFallbackAfter = TimeSpan.FromHours(24);

    private static readonly Task<StoredItem<Channel>?> NoChannel = Task.FromResult<StoredItem<Channel>?>(null);

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
        var fallback = configuration.FallbackChannelId is { } fallbackId ? Channel(fallbackId).GetAsync() : NoChannel;
        var (t, c, f) = (await template, await channel, await fallback);
        if (t is null || c is null || (f is null && configuration.FallbackChannelId is not null))
        {
            // Cannot happen while attachments hold (a used item refuses deletion); treat it as a missing configuration.
            return null;
        }

        var binding = new ConfigurationBinding(configuration, t.Item, c.Item, f?.Item);
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
        Task.FromResult(Exists && (ChannelIds(State.State.Item!).Contains(itemId) || State.State.Item!.TemplateId == itemId));

    protected override async Task<(OutboundConfiguration Item, ImmutableDictionary<string, string[]> Errors)> PrepareAsync(
        OutboundConfiguration item, OutboundConfiguration? existing)
    {
        var errors = ImmutableDictionary.CreateBuilder<string, string[]>();
        if (string.IsNullOrWhiteSpace(item.Name) || item.Name.Length > MaxNameLength)
        {
            errors["name"] = [$"name is required and at most {MaxNameLength} characters."];
        }

        // Attaching validates the references and registers this configuration for change notices.
        var channel = Channel(item.ChannelId).AttachAsync(ItemId);
        var fallback = item.FallbackChannelId is { } fallbackId ? Channel(fallbackId).AttachAsync(ItemId) : NoChannel;
        var template = Template(item.TemplateId).AttachAsync(ItemId);
        var (c, f, t) = (await channel, await fallback, await template);
        CheckChannel("channelId", item.ChannelId, c, item.ChannelType, errors);
        if (item.FallbackChannelId == item.ChannelId)
        {
            errors["fallbackChannelId"] = ["The fallback channel must differ from channelId."];
        }
        else if (item.FallbackChannelId is { } fallbackChannelId)
        {
            CheckChannel("fallbackChannelId", fallbackChannelId, f, item.ChannelType, errors);
        }

        if (item.FallbackAfter is { } after)
        {
            if (item.FallbackChannelId is null)
            {
                errors["fallbackAfterSeconds"] = ["fallbackAfterSeconds applies only with a fallbackChannelId."];
            }
            else if (after < TimeSpan.Zero || after > MaxFallbackAfter)
            {
                errors["fallbackAfterSeconds"] = [$"fallbackAfterSeconds is between 0 and {(int)MaxFallbackAfter.TotalSeconds} (24 hours)."];
            }
        }

        if (t is null)
        {
            errors["templateId"] = [$"No template '{item.TemplateId}' exists."];
        }
        else if (t.Item.ChannelType != item.ChannelType)
        {
            errors["templateId"] = [$"The template is for {Describe(t.Item.ChannelType)}, but the configuration is {Describe(item.ChannelType)}."];
        }

        if (errors.Count > 0)
        {
            // Undo the attachments this attempt made; those of the stored version stay.
            await DetachUnusedAsync(item, stillUsing: existing);
        }

        return (item with { Name = item.Name?.Trim() ?? "" }, errors.ToImmutable());
    }

    protected override async Task OnSavedAsync(OutboundConfiguration? previous, OutboundConfiguration current)
    {
        await InvalidateAsync();
        if (previous is not null)
        {
            await DetachUnusedAsync(previous, stillUsing: current);
        }
    }

    protected override async Task OnDeletedAsync(OutboundConfiguration deleted)
    {
        await InvalidateAsync();
        await DetachUnusedAsync(deleted, stillUsing: null);
    }

    private static void CheckChannel(
        string field, Guid id, StoredItem<Channel>? channel, ChannelType type, ImmutableDictionary<string, string[]>.Builder errors)
    {
        if (channel is null)
        {
            errors[field] = [$"No channel '{id}' exists."];
        }
        else if (channel.Item.Type != type)
        {
            errors[field] = [$"The channel is {Describe(channel.Item.Type)}, but the configuration is {Describe(type)}."];
        }
    }

    /// <summary>
    /// Detaches from the channels and template that <paramref name="released"/> names and <paramref name="stillUsing"/>
    /// does not: a channel can move between primary and fallback and must stay attached.
    /// </summary>
    private Task DetachUnusedAsync(OutboundConfiguration released, OutboundConfiguration? stillUsing)
    {
        var kept = stillUsing is null ? [] : ChannelIds(stillUsing);
        var channels = ChannelIds(released).Except(kept).Select(id => Channel(id).DetachAsync(ItemId));
        return Task.WhenAll(stillUsing?.TemplateId == released.TemplateId
            ? channels
            : channels.Append(Template(released.TemplateId).DetachAsync(ItemId)));
    }

    private static Guid[] ChannelIds(OutboundConfiguration configuration) =>
        configuration.FallbackChannelId is { } fallback ? [configuration.ChannelId, fallback] : [configuration.ChannelId];

    private static string Describe(ChannelType type) => type == ChannelType.Sms ? "SMS" : "WhatsApp";

    private IChannelGrain Channel(Guid id) => GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(OrgId, id));

    private ITemplateGrain Template(Guid id) => GrainFactory.GetGrain<ITemplateGrain>(CatalogKeys.Item(OrgId, id));
}
