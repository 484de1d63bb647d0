using System.ComponentModel.DataAnnotations;
using Outbound.Channels;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Callbacks;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Security;

namespace Outbound.Gateway.Channels;

/// <summary>A channel: a Twilio sender (<c>twilio</c>, and <c>from</c> or <c>messagingServiceSid</c>) or an ACS one (<c>acs</c> and <c>from</c>).</summary>
/// <param name="Type"><c>sms</c> or <c>whatsapp</c> (WhatsApp channels are on Twilio).</param>
/// <param name="Provider"><c>twilio</c> or <c>acs</c>: which of <c>twilio</c> and <c>acs</c> the channel carries.</param>
/// <param name="From">The sender: an E.164 number, or <c>whatsapp:</c> and an E.164 number for WhatsApp.</param>
/// <param name="MessagingServiceSid">Twilio SMS only: a Messaging Service to send from instead of <c>from</c>.</param>
/// <param name="Twilio">Only with provider <c>twilio</c>, where it is required on create.</param>
/// <param name="Acs">Only with provider <c>acs</c>, where it is required on create.</param>
public sealed record ChannelRequest(
    [property: Required] string? Name, [property: Required] string? Type, [property: Required] string? Provider, string? From, string? MessagingServiceSid, TwilioRequest? Twilio, AcsRequest? Acs);

/// <param name="AuthToken">Write-only. Leave it out on a replace to keep the stored one.</param>
public sealed record TwilioRequest([property: Required] string? AccountSid, string? AuthToken);

/// <param name="AccessKey">Write-only. Leave it out on a replace to keep the stored one.</param>
/// <param name="EventsSecret">
/// Optional, write-only: the secret the Event Grid subscription's URL carries
/// (<c>/v1/callbacks/acs/events?channel={orgId:N}.{channelId:N}&amp;code={eventsSecret}</c>). Leave it out on a
/// replace to keep the stored one.
/// </param>
public sealed record AcsRequest([property: Required] string? Endpoint, string? AccessKey, string? EventsSecret = null);

/// <summary>A channel as the API shows it: secrets are never returned, only whether one is set.</summary>
/// <param name="InboundWebhookUrl">
/// Twilio channels: the URL to set as the messaging webhook ("A message comes in", HTTP POST) of the channel's number
/// or Messaging Service in the Twilio console, so customers' replies reach the service. It carries a token signed by
/// the service for this channel; Twilio's signature with the channel's auth token authenticates each message.
/// Null for ACS channels, whose messages arrive through their Event Grid subscription.
/// </param>
public sealed record ChannelResponse(
    Guid Id, string Name, string Type, string Provider, string? From, string? MessagingServiceSid,
    TwilioResponse? Twilio, AcsResponse? Acs, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? InboundWebhookUrl);

public sealed record TwilioResponse(string AccountSid, bool AuthTokenSet);

public sealed record AcsResponse(string Endpoint, bool AccessKeySet, bool EventsSecretSet);

public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannels(this RouteGroupBuilder v1) =>
        v1.MapGroup("/channels").WithTags("Channels").MapCatalog<IChannelGrain, Channel, ChannelRequest, ChannelResponse>(
            new(CatalogKind.Channel, "id", "channel", ToChannel, stored => ToResponse(stored, null)) { ToResponseFor = ToResponse });

    private static Channel? ToChannel(ChannelRequest request, FieldErrors errors)
    {
        var type = errors.Choice(request.Type, "type", WireNames.ChannelTypes);
        var provider = errors.Choice(request.Provider, "provider", WireNames.Providers);
        if (type is null || provider is null)
        {
            return null;
        }

        return new Channel(
            request.Name ?? "",
            type.Value,
            provider.Value,
            request.From,
            request.MessagingServiceSid,
            request.Twilio is { } t ? new TwilioAccount(t.AccountSid ?? "", t.AuthToken is null ? null : new Secret(t.AuthToken)) : null,
            request.Acs is { } a ? new AcsResource(a.Endpoint ?? "", a.AccessKey is null ? null : new Secret(a.AccessKey), a.EventsSecret is null ? null : new Secret(a.EventsSecret)) : null);
    }

    private static ChannelResponse ToResponse(StoredItem<Channel> stored, HttpContext? http)
    {
        var c = stored.Item;
        string? inboundWebhookUrl = null;
        if (http is not null && c.Provider == ProviderKind.Twilio)
        {
            // The address Twilio reaches us at (behind an ingress, not our own), as for status callbacks.
            var configured = http.RequestServices.GetRequiredService<IConfiguration>()[CallbacksApi.PublicBaseUrlKey]?.TrimEnd('/');
            var baseUrl = $"{(string.IsNullOrEmpty(configured) ? $"{http.Request.Scheme}://{http.Request.Host}" : configured)}{http.Request.PathBase}";
            inboundWebhookUrl = TwilioInboundApi.WebhookUrl(baseUrl, http.RequestServices.GetRequiredService<SigningKeys>(), http.OrgId(), stored.Id);
        }

        return new ChannelResponse(
            stored.Id, c.Name, WireNames.Of(c.Type), WireNames.Of(c.Provider), c.From, c.MessagingServiceSid,
            c.Twilio is { } t ? new TwilioResponse(t.AccountSid, t.AuthToken is not null) : null,
            c.Acs is { } a ? new AcsResponse(a.Endpoint, a.AccessKey is not null, a.EventsSecret is not null) : null,
            stored.Version, stored.CreatedAt, stored.UpdatedAt, inboundWebhookUrl);
    }
}
