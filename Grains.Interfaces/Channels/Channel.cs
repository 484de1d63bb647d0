using Outbound.Catalog;

namespace Outbound.Channels;

/// <summary>The service that carries a channel's messages.</summary>
public enum ProviderKind
{
    Twilio = 0,
    AzureCommunicationServices = 1,
}

/// <summary>A sender: a number (or WhatsApp sender) on a provider account.</summary>
/// <param name="From">SMS: <c>+E164</c>; WhatsApp: <c>whatsapp:+E164</c>. Optional for Twilio SMS with a Messaging Service.</param>
/// <param name="MessagingServiceSid">Twilio only: send through a Messaging Service (<c>MG…</c>) instead of a fixed number.</param>
[GenerateSerializer, Immutable, Alias("Outbound.Channel")]
public sealed record Channel(
    [property: Id(0)] string Name,
    [property: Id(1)] ChannelType Type,
    [property: Id(2)] ProviderKind Provider,
    [property: Id(3)] string? From,
    [property: Id(4)] string? MessagingServiceSid,
    [property: Id(5)] TwilioAccount? Twilio,
    [property: Id(6)] AcsResource? Acs);

/// <param name="AuthToken">Write-only; null on a replace keeps the stored token.</param>
[GenerateSerializer, Immutable, Alias("Outbound.TwilioAccount")]
public sealed record TwilioAccount(
    [property: Id(0)] string AccountSid,
    [property: Id(1)] Secret? AuthToken);

/// <param name="AccessKey">Write-only; null on a replace keeps the stored key.</param>
/// <param name="EventsSecret">
/// Write-only; null on a replace keeps the stored one. Authenticates the Event Grid deliveries (delivery reports) at
/// <c>/v1/callbacks/acs/events?channel={orgId:N}.{channelId:N}&amp;code={secret}</c>; without it they are refused.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.AcsResource")]
public sealed record AcsResource(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] Secret? AccessKey,
    [property: Id(2)] Secret? EventsSecret = null);

/// <summary>A credential. Its <see cref="ToString"/> never shows the value, so a logged record cannot leak it.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.Secret")]
public sealed record Secret([property: Id(0)] string Value)
{
    public override string ToString() => "***";
}

/// <summary>A channel: the sender of an outbound configuration's messages.</summary>
public interface IChannelGrain : IReferencedItemGrain<Channel>
{
    /// <summary>
    /// Whether <paramref name="secret"/> is this ACS channel's <see cref="AcsResource.EventsSecret"/>, compared in
    /// constant time here, so the secret never leaves the silo. False when the channel does not exist or has none.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> IsEventsSecretAsync(string? secret);

    /// <summary>
    /// Whether a webhook posted to <paramref name="url"/> with <paramref name="form"/> carries this Twilio channel's
    /// <c>X-Twilio-Signature</c> (<paramref name="signature"/>), checked here with its auth token in constant time,
    /// so the token never leaves the silo. False when the channel does not exist or is not a Twilio channel.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> IsTwilioSignatureAsync(string url, ImmutableDictionary<string, string> form, string? signature);
}
