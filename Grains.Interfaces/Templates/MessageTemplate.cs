using Outbound.Catalog;

namespace Outbound.Templates;

/// <summary>
/// A message template: a default locale plus localized versions. SMS versions carry a body with
/// <c>{Slug}</c> placeholders; WhatsApp versions reference a Twilio Content Template.
/// </summary>
/// <param name="Name">What admins call the template.</param>
/// <param name="ChannelType">SMS or WhatsApp; every version must be of this kind.</param>
/// <param name="DefaultLocale">The canonical culture name (for example <c>en-US</c>) used when no better match exists.</param>
/// <param name="Versions">Versions keyed by canonical culture name.</param>
[GenerateSerializer, Immutable, Alias("Outbound.MessageTemplate")]
public sealed record MessageTemplate(
    [property: Id(0)] string Name,
    [property: Id(1)] ChannelType ChannelType,
    [property: Id(2)] string DefaultLocale,
    [property: Id(3)] ImmutableDictionary<string, TemplateVersion> Versions);

/// <summary>One localized version of a template.</summary>
/// <param name="Body">SMS only: the text with <c>{Slug}</c> placeholders.</param>
/// <param name="ContentSid">WhatsApp only: the Twilio Content Template SID (<c>HX…</c>).</param>
/// <param name="Variables">WhatsApp only: content-variable key (for example <c>1</c>) → slug whose value fills it.</param>
[GenerateSerializer, Immutable, Alias("Outbound.TemplateVersion")]
public sealed record TemplateVersion(
    [property: Id(0)] string? Body,
    [property: Id(1)] string? ContentSid,
    [property: Id(2)] ImmutableDictionary<string, string>? Variables)
{
    public static TemplateVersion Sms(string body) => new(body, null, null);

    public static TemplateVersion WhatsApp(string contentSid, ImmutableDictionary<string, string> variables) =>
        new(null, contentSid, variables);
}
