using Microsoft.Extensions.Primitives;

namespace Outbound.ProviderFake.Twilio;

/// <summary>The form fields of a Messages create the fake looks at (providers.md §1.3); unknown keys are ignored, as Twilio does.</summary>
public sealed record TwilioSendRequest(
    string? To,
    string? From,
    string? MessagingServiceSid,
    string? Body,
    IReadOnlyList<string> MediaUrls,
    string? ContentSid,
    string? ContentVariables,
    string? StatusCallback)
{
    public const string WhatsAppPrefix = "whatsapp:";

    public bool IsWhatsApp => To?.StartsWith(WhatsAppPrefix, StringComparison.Ordinal) == true;

    public static TwilioSendRequest Parse(IFormCollection form) => new(
        To: Value(form, "To"),
        From: Value(form, "From"),
        MessagingServiceSid: Value(form, "MessagingServiceSid"),
        Body: Value(form, "Body"),
        // Most sends have no media: the shared empty list keeps the retained message small.
        MediaUrls: form["MediaUrl"].Count == 0 ? [] : [.. form["MediaUrl"].Where(u => !string.IsNullOrEmpty(u)).Select(u => u!)],
        ContentSid: Value(form, "ContentSid"),
        ContentVariables: Value(form, "ContentVariables"),
        StatusCallback: Value(form, "StatusCallback"));

    // Twilio treats an empty parameter as an absent one.
    private static string? Value(IFormCollection form, string key) =>
        form.TryGetValue(key, out var values) && !StringValues.IsNullOrEmpty(values) && values[0] is { Length: > 0 } v ? v : null;
}
