using System.ComponentModel.DataAnnotations;
using Outbound.Configurations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Gateway.QuietHours;
using Outbound.Gateway.Templates;

namespace Outbound.Gateway.Configurations;

/// <param name="ShowInTimeline">Show its messages on the customer's timeline; defaults to false, as the seed advises for bulk sends.</param>
/// <param name="FallbackChannelId">
/// Optional: a second channel of the same channel type, other than <c>channelId</c> (for example ACS SMS behind
/// Twilio SMS), that carries messages while the channel is down. It cannot be deleted while it is set here.
/// </param>
/// <param name="FallbackAfterSeconds">
/// Only with <c>fallbackChannelId</c>: how many seconds of retryable failures on the channel pass before the
/// fallback takes over (0–86,400; default 300).
/// </param>
/// <param name="Active">
/// Whether send requests are taken (default true, also on a replace that leaves it out). A send to an inactive
/// configuration is refused with 409; messages it already accepted are still delivered.
/// </param>
/// <param name="QuietHours">
/// Quiet hours of this configuration's messages, replacing the org's (<c>/v1/settings/quiet-hours</c>); absent or
/// null: the org's apply.
/// </param>
/// <param name="Transactional">
/// Its messages are never held for quiet hours (default false): a one-time code, a notice the customer waits for.
/// Not together with <c>quietHours</c>.
/// </param>
public sealed record ConfigurationRequest(
    [property: Required] string? Name, bool? ShowInTimeline, [property: Required] string? ChannelType,
    [property: Required] Guid? ChannelId, [property: Required] Guid? TemplateId,
    Guid? FallbackChannelId = null, int? FallbackAfterSeconds = null, bool? Active = null,
    QuietHoursBody? QuietHours = null, bool? Transactional = null);

/// <param name="ConfigurationId">The Configuration ID that send requests name.</param>
/// <param name="FallbackChannelId">The channel that takes over while the channel is down; absent when there is none.</param>
/// <param name="FallbackAfterSeconds">Seconds of retryable failures before the fallback takes over (the default, 300, if none was given); absent when there is no fallback.</param>
/// <param name="Active">Whether send requests are taken; a send to an inactive configuration is refused with 409.</param>
/// <param name="QuietHours">The configuration's own quiet hours; absent: the org's apply.</param>
/// <param name="Transactional">Its messages are never held for quiet hours.</param>
public sealed record ConfigurationResponse(
    Guid ConfigurationId, string Name, bool ShowInTimeline, string ChannelType, Guid ChannelId, Guid TemplateId,
    Guid? FallbackChannelId, int? FallbackAfterSeconds, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    bool Active = true, QuietHoursBody? QuietHours = null, bool Transactional = false);

public static class ConfigurationsApi
{
    private static readonly CatalogKindApi<OutboundConfiguration, ConfigurationRequest, ConfigurationResponse> Api =
        new(CatalogKind.Configuration, "configurationId", "outbound configuration", ToConfiguration, ToResponse, OwnList: true);

    public static RouteGroupBuilder MapOutboundConfigurations(this RouteGroupBuilder v1)
    {
        var configurations = v1.MapGroup("/outbound-configurations").WithTags("Outbound configurations")
            .MapCatalog<IConfigurationGrain, OutboundConfiguration, ConfigurationRequest, ConfigurationResponse>(
                Api);

        // The catalog's list, narrowed to the active or the inactive configurations when asked.
        configurations.MapGet("/", (HttpContext http, IGrainFactory grains, int? limit, string? cursor, bool? active) =>
            CatalogApi.ListAsync<IConfigurationGrain, OutboundConfiguration, ConfigurationRequest, ConfigurationResponse>(
                http, grains, limit, cursor, Api, active is { } wanted ? c => c.Inactive != wanted : null))
            .WithName("ListOutboundConfigurations")
            .WithSummary("List outbound configurations")
            .WithDescription("The org's outbound configurations, oldest first, a page at a time: pass nextCursor as cursor for the next page. "
                + "active=true or active=false lists only the active or the inactive ones.")
            .Produces<Page<ConfigurationResponse>>()
            .ProducesValidationProblem();

        configurations.MapPost("/{configurationId:guid}/render", (Guid configurationId, RenderRequest request, HttpContext http, IGrainFactory grains) =>
            RenderApi.RenderAsync(
                request,
                (locale, items) => grains.GetGrain<IConfigurationGrain>(CatalogKeys.Item(http.OrgId(), configurationId)).RenderAsync(locale, items),
                () => Problem.NotFound($"No outbound configuration '{configurationId}' exists.")))
            .WithBodyLimit(BodyLimits.Send)
            .WithName("RenderOutboundConfiguration")
            .WithSummary("Render a configuration's message")
            .WithDescription("Shows what a send through this configuration would send for a locale and slug values, without sending.")
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

        var quietHours = request.QuietHours is { } hours ? QuietHoursApi.Parse(hours, "quietHours.", errors) : null;
        if (request.Transactional == true && request.QuietHours is not null)
        {
            errors.Add("quietHours", "A transactional configuration is never held for quiet hours: leave quietHours out.");
        }

        return errors.Any
            ? null
            : new OutboundConfiguration(
                request.Name ?? "", request.ShowInTimeline ?? false, channelType!.Value, request.ChannelId!.Value, request.TemplateId!.Value,
                request.FallbackChannelId, request.FallbackAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Inactive: request.Active == false)
            {
                QuietHours = quietHours,
                Transactional = request.Transactional == true,
            };
    }

    private static ConfigurationResponse ToResponse(StoredItem<OutboundConfiguration> stored)
    {
        var c = stored.Item;
        return new ConfigurationResponse(
            stored.Id, c.Name, c.ShowInTimeline, WireNames.Of(c.ChannelType), c.ChannelId, c.TemplateId,
            c.FallbackChannelId, c.FallbackChannelId is null ? null : (int)(c.FallbackAfter ?? OutboundConfiguration.DefaultFallbackAfter).TotalSeconds,
            stored.Version, stored.CreatedAt, stored.UpdatedAt, !c.Inactive, QuietHoursApi.ToBody(c.QuietHours), c.Transactional);
    }
}
