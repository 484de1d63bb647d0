using Outbound.Channels;
using Outbound.Sending;

namespace Outbound.Grains.Providers.Twilio;

public sealed partial class TwilioMessageProvider
{
    /// <inheritdoc/>
    /// <remarks>
    /// Twilio signs each status callback with the account's auth token over the exact URL it was given
    /// (<see cref="TwilioSignature"/>). Statuses before <c>sent</c> (queued, sending, accepted) change nothing.
    /// </remarks>
    public StatusReport? Read(Channel channel, string url, IReadOnlyDictionary<string, string> form, string? signature)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(form);
        if (channel.Twilio?.AuthToken is not { } token || !new TwilioSignature(token).IsValid(url, form.ToDictionary(), signature))
        {
            return null;
        }

        var reported = form.GetValueOrDefault("MessageStatus");
        var sid = form.GetValueOrDefault("MessageSid");
        return new StatusReport(
            ReportId: sid ?? "",
            ProviderMessageId: sid,
            To: form.GetValueOrDefault("To"),
            Status: TwilioStatuses.TryParse(reported, out var status) ? status : MessageStatus.Accepted,
            ErrorCode: form.GetValueOrDefault("ErrorCode") is { Length: > 0 } code ? code : null,
            Details: $"Twilio reported the message {reported}.");
    }
}
