using System.Text.Json.Serialization;

namespace Outbound.ProviderFake.Ledger;

/// <summary>One message a provider accepted: what the fake would have handed to the carrier. Absent values are left out of the JSON.</summary>
public sealed record LedgerEntry(
    string Provider,
    string MessageId,
    string To,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? From,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Body,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentSid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentVariables,
    DateTimeOffset ReceivedAt)
{
    public const string Twilio = "twilio";
    public const string Acs = "acs";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MessagingServiceSid { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? MediaUrls { get; init; }
}
