using System.Globalization;

namespace Outbound.Providers;

/// <summary>One message for one recipient, as handed to a provider client.</summary>
/// <remarks>
/// The caller builds it once per logical message and stores it (with the repeatability values) before the first
/// send, then passes the stored value unchanged on every retry: that is what makes ACS retries idempotent.
/// </remarks>
/// <param name="MessageId">Our id of this provider message (logs only).</param>
/// <param name="To">The recipient, E.164 (<c>+14155550100</c>). For WhatsApp the <c>whatsapp:</c> prefix is optional; the client adds it.</param>
/// <param name="Body">SMS (and WhatsApp session messages): the text.</param>
/// <param name="ContentSid">WhatsApp template: the Twilio Content SID (<c>HX…</c>).</param>
/// <param name="ContentVariables">WhatsApp template: content-variable key → value.</param>
/// <param name="StatusCallback">Twilio only: where Twilio posts status callbacks for this message.</param>
/// <param name="RepeatabilityRequestId">ACS only: the per-recipient repeatability id, the same on every retry.</param>
/// <param name="RepeatabilityFirstSent">
/// ACS only: when the message was first sent, the same on every retry. Sent as RFC 1123 (second precision, GMT).
/// </param>
/// <param name="ReportTag">
/// ACS only: the <c>smsSendOptions.tag</c> that ACS echoes in the message's delivery report, so the report finds its
/// batch (<see cref="Sending.MessageIds.ReportTag"/>). The tag is per request: only messages with the same tag share one.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.ProviderMessage")]
public sealed record ProviderMessage(
    [property: Id(0)] Guid MessageId,
    [property: Id(1)] string To,
    [property: Id(2)] string? Body,
    [property: Id(3)] string? ContentSid,
    [property: Id(4)] ImmutableDictionary<string, string>? ContentVariables,
    [property: Id(5)] Uri? StatusCallback,
    [property: Id(6)] Guid RepeatabilityRequestId,
    [property: Id(7)] DateTimeOffset RepeatabilityFirstSent,
    [property: Id(8)] string? ReportTag = null)
{
    /// <summary>
    /// A new message with fresh repeatability values: a new request id and <paramref name="now"/> truncated to
    /// whole seconds in UTC, so the stored value equals what goes on the wire (RFC 1123 has no fractions).
    /// </summary>
    public static ProviderMessage Create(
        Guid messageId,
        string to,
        string? body,
        string? contentSid,
        ImmutableDictionary<string, string>? contentVariables,
        Uri? statusCallback,
        DateTimeOffset now,
        string? reportTag = null)
    {
        var utc = now.ToUniversalTime();
        var firstSent = new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return new(messageId, to, body, contentSid, contentVariables, statusCallback, Guid.NewGuid(), firstSent, reportTag);
    }

    /// <summary>The <c>repeatabilityFirstSent</c> wire value: RFC 1123 in GMT, whatever the current culture.</summary>
    public string RepeatabilityFirstSentRfc1123 =>
        RepeatabilityFirstSent.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
}
