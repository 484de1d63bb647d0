using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Auth;
using Outbound.Templates;

namespace Outbound.Gateway.Templates;

/// <param name="ChannelType"><c>sms</c> or <c>whatsapp</c>: which fields each version carries.</param>
/// <param name="DefaultLocale">The version used when a contact's locale has none of its own.</param>
/// <param name="Versions">Locale → version.</param>
public sealed record TemplateRequest(
    [property: Required] string? Name, [property: Required] string? ChannelType, [property: Required] string? DefaultLocale,
    [property: Required] Dictionary<string, TemplateVersionRequest?>? Versions);

/// <summary>One locale's version: <c>body</c> for an SMS template; <c>contentSid</c> and <c>variables</c> for a WhatsApp one.</summary>
/// <param name="Body">SMS (required there): the text, with <c>{Slug}</c> placeholders.</param>
/// <param name="ContentSid">WhatsApp (required there): the Twilio Content Template SID.</param>
/// <param name="Variables">WhatsApp: content-variable key → slug name.</param>
public sealed record TemplateVersionRequest(string? Body, string? ContentSid, Dictionary<string, string>? Variables);

public sealed record TemplateResponse(
    Guid Id, string Name, string ChannelType, string DefaultLocale, IReadOnlyDictionary<string, TemplateVersionResponse> Versions,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record TemplateVersionResponse(string? Body, string? ContentSid, IReadOnlyDictionary<string, string>? Variables);

public static class TemplatesApi
{
    public static RouteGroupBuilder MapTemplates(this RouteGroupBuilder v1)
    {
        var templates = v1.MapGroup("/templates").WithTags("Templates").WithBodyLimit(BodyLimits.Template)
            .MapCatalog<ITemplateGrain, MessageTemplate, TemplateRequest, TemplateResponse>(
                new(CatalogKind.Template, "id", "template", ToTemplate, ToResponse));

        templates.MapPost("/{id:guid}/render", (Guid id, RenderRequest request, HttpContext http, IGrainFactory grains) =>
            RenderApi.RenderAsync(
                request,
                (locale, items) => grains.GetGrain<ITemplateGrain>(CatalogKeys.Item(http.OrgId(), id)).RenderAsync(locale, items),
                () => Problem.NotFound($"No template '{id}' exists.")))
            .WithBodyLimit(BodyLimits.Send)
            .WithName("RenderTemplate")
            .WithSummary("Render a template")
            .WithDescription("Shows what the template would send for a locale and slug values, without sending: the SMS text, its encoding and segments, or the WhatsApp content SID and variables.")
            .Produces<RenderResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return templates;
    }

    private static MessageTemplate? ToTemplate(TemplateRequest request, FieldErrors errors)
    {
        var channelType = errors.Choice(request.ChannelType, "channelType", WireNames.ChannelTypes);
        var versions = ImmutableDictionary.CreateBuilder<string, TemplateVersion>();
        foreach (var (locale, version) in request.Versions ?? [])
        {
            if (version is null)
            {
                errors.Add($"versions.{locale}", "A version is an object: { body } for SMS, { contentSid, variables } for WhatsApp.");
                continue;
            }

            versions[locale] = new TemplateVersion(version.Body, version.ContentSid, version.Variables?.ToImmutableDictionary());
        }

        return channelType is null ? null : new MessageTemplate(request.Name ?? "", channelType.Value, request.DefaultLocale ?? "", versions.ToImmutable());
    }

    private static TemplateResponse ToResponse(StoredItem<MessageTemplate> stored)
    {
        var t = stored.Item;
        return new TemplateResponse(
            stored.Id, t.Name, WireNames.Of(t.ChannelType), t.DefaultLocale,
            t.Versions.ToDictionary(v => v.Key, v => new TemplateVersionResponse(v.Value.Body, v.Value.ContentSid, v.Value.Variables)),
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }
}
