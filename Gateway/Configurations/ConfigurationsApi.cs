using Outbound.Configurations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Templates;

namespace Outbound.Gateway.Configurations;

/// <param name="ShowInTimeline">Show its messages on the customer's timeline; defaults to false, as the seed advises for bulk sends.</param>
public sealed record ConfigurationRequest(string? Name, bool? ShowInTimeline, string? ChannelType, Guid? ChannelId, Guid? TemplateId);

/// <param name="ConfigurationId">The Configuration ID that send requests name.</param>
public sealed record ConfigurationResponse(
    Guid ConfigurationId, string Name, bool ShowInTimeline, string ChannelType, Guid ChannelId, Guid TemplateId,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class ConfigurationsApi
{
    public static RouteGroupBuilder MapOutboundConfigurations(this RouteGroupBuilder v1)
    {
        var configurations = v1.MapGroup("/outbound-configurations").WithTags("Outbound configurations")
            .MapCatalog<IConfigurationGrain, OutboundConfiguration, ConfigurationRequest, ConfigurationResponse>(
                new(CatalogKind.Configuration, "configurationId", "outbound configuration", ToConfiguration, ToResponse));

        configurations.MapPost("/{configurationId:guid}/render", async (Guid configurationId, RenderRequest request, HttpContext http, IGrainFactory grains) =>
            RenderApi.ToResult(
                await grains.GetGrain<IConfigurationGrain>(CatalogKeys.Item(http.OrgId(), configurationId))
                    .RenderAsync(request.Locale, RenderApi.ContextItems(request)),
                () => Problem.NotFound($"No outbound configuration '{configurationId}' exists.")))
            .Produces<RenderResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return configurations;
    }

    private static OutboundConfiguration? ToConfiguration(ConfigurationRequest request, FieldErrors errors)
    {
        var channelType = errors.Choice(request.ChannelType, "channelType", WireNames.ChannelTypes);
        if (request.ChannelId is null)
        {
            errors.Add("channelId", "channelId is required.");
        }

        if (request.TemplateId is null)
        {
            errors.Add("templateId", "templateId is required.");
        }

        return errors.Any
            ? null
            : new OutboundConfiguration(request.Name ?? "", request.ShowInTimeline ?? false, channelType!.Value, request.ChannelId!.Value, request.TemplateId!.Value);
    }

    private static ConfigurationResponse ToResponse(StoredItem<OutboundConfiguration> stored)
    {
        var c = stored.Item;
        return new ConfigurationResponse(
            stored.Id, c.Name, c.ShowInTimeline, WireNames.Of(c.ChannelType), c.ChannelId, c.TemplateId,
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }
}
