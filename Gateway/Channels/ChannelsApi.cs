using System.ComponentModel.DataAnnotations;
using Outbound.Channels;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;

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
public sealed record ChannelResponse(
    Guid Id, string Name, string Type, string Provider, string? From, string? MessagingServiceSid,
    TwilioResponse? Twilio, AcsResponse? Acs, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record TwilioResponse(string AccountSid, bool AuthTokenSet);

public sealed record AcsResponse(string Endpoint, bool AccessKeySet, bool EventsSecretSet);

public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannels(this RouteGroupBuilder v1) =>
        v1.MapGroup("/channels").WithTags("Channels").MapCatalog<IChannelGrain, Channel, ChannelRequest, ChannelResponse>(
            new(CatalogKind.Channel, "id", "channel", ToChannel, ToResponse));

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

    private static ChannelResponse ToResponse(StoredItem<Channel> stored)
    {
        var c = stored.Item;
        return new ChannelResponse(
            stored.Id, c.Name, WireNames.Of(c.Type), WireNames.Of(c.Provider), c.From, c.MessagingServiceSid,
            c.Twilio is { } t ? new TwilioResponse(t.AccountSid, t.AuthToken is not null) : null,
            c.Acs is { } a ? new AcsResponse(a.Endpoint, a.AccessKey is not null, a.EventsSecret is not null) : null,
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }
}
