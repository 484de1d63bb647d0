namespace Outbound.ProviderFake.Inbound;

/// <summary>
/// <c>POST /_inbound/twilio</c>: a message "from a handset", delivered to <paramref name="WebhookUrl"/> as Twilio would.
/// <paramref name="AccountSid"/> defaults to the first configured account; WhatsApp uses <c>whatsapp:</c> addresses.
/// </summary>
public sealed record TwilioInboundRequest(
    string WebhookUrl,
    string? AccountSid,
    string From,
    string To,
    string? Body,
    string? MessagingServiceSid = null,
    string? ProfileName = null);

/// <summary><c>POST /_inbound/acs</c>: an SMS to an ACS number, delivered as an SMSReceived event to the events subscription (<c>/_acs/events-subscription</c>).</summary>
public sealed record AcsInboundRequest(string From, string To, string Message);

/// <summary>What the app answered: its status (null when it could not be reached), its body, and the inbound message's id.</summary>
public sealed record InboundResult(string MessageId, int? Status, string Body, string? Error);
