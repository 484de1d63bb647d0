namespace Outbound.ProviderFake.Twilio;

/// <summary>Twilio's Message resource as the create (201) and fetch (200) answers carry it; snake_case on the wire (providers.md §1.6).</summary>
public sealed record MessageResource(
    string AccountSid,
    string ApiVersion,
    string? Body,
    string DateCreated,
    string? DateSent,
    string DateUpdated,
    string Direction,
    int? ErrorCode,
    string? ErrorMessage,
    string? From,
    string? MessagingServiceSid,
    string NumMedia,
    string NumSegments,
    string? Price,
    string? PriceUnit,
    string Sid,
    string Status,
    IReadOnlyDictionary<string, string> SubresourceUris,
    string To,
    string Uri);
