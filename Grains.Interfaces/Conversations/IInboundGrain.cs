namespace Outbound.Conversations;

/// <summary>
/// Where provider webhooks with customer messages enter the cluster. A stateless worker: it checks that the
/// delivery is the channel's (the secret never leaves the silo), reads the provider's fields, and hands each
/// message to its customer's <c>ContactGrain</c>. Answers once every message is stored.
/// </summary>
public interface IInboundGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// A Twilio messaging webhook for channel <paramref name="channelId"/>: <paramref name="signature"/> (the
    /// <c>X-Twilio-Signature</c>) is checked over <paramref name="url"/> and <paramref name="form"/> with the
    /// channel's auth token. <see cref="InboundOutcome.Refused"/> if the channel is not a Twilio channel of the org
    /// or the signature is not valid.
    /// </summary>
    Task<InboundReceipt> ReceiveTwilioAsync(Guid orgId, Guid channelId, string url, ImmutableDictionary<string, string> form, string? signature);

    /// <summary>
    /// <c>Microsoft.Communication.SMSReceived</c> events delivered to an ACS channel's events URL (already
    /// authenticated by its events secret). Each finds the org's ACS channel whose number it was sent to, else
    /// <paramref name="channelId"/> (the channel the events URL names: one subscription carries every number of
    /// the resource). One receipt per message, in order.
    /// </summary>
    Task<ImmutableArray<InboundReceipt>> ReceiveAcsAsync(Guid orgId, Guid channelId, ImmutableArray<AcsReceivedSms> messages);
}

/// <summary>The <c>data</c> of one SMSReceived event (providers.md §4.6).</summary>
[GenerateSerializer, Immutable, Alias("Outbound.AcsReceivedSms")]
public sealed record AcsReceivedSms(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] string Message,
    [property: Id(4)] DateTimeOffset ReceivedAt);
