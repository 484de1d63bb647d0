using Outbound.Sending;

namespace Outbound.Grains.Providers.Twilio;

/// <summary>Twilio's message statuses (callbacks and the Message resource) in ours.</summary>
public static class TwilioStatuses
{
    /// <summary>False for the statuses before <c>sent</c> (queued, sending, accepted, scheduled): they change nothing.</summary>
    public static bool TryParse(string? status, out MessageStatus parsed)
    {
        parsed = status switch
        {
            "sent" => MessageStatus.Sent,
            "delivered" => MessageStatus.Delivered,
            "undelivered" => MessageStatus.Undelivered,
            "failed" => MessageStatus.Failed,
            "read" => MessageStatus.Read,
            _ => MessageStatus.Accepted,
        };
        return parsed != MessageStatus.Accepted;
    }
}
