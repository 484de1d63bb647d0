using System.Text.Json;
using System.Text.Json.Serialization;
using Outbound.Sending;

namespace Outbound.Campaigns;

/// <summary>
/// Where an uploaded audience lives in blob storage, and how a valid contact is written there. The gateway writes
/// an upload's blobs before it names the upload to the campaign; the campaign grain reads one part at a time, so a
/// million contacts never sit in grain state or in memory at once.
/// </summary>
/// <remarks>
/// Blobs of container <see cref="Container"/>, under <c>{orgId:N}/{campaignId:N}/{uploadId:N}/</c>:
/// <c>contacts-{part:D5}.jsonl</c> (valid contacts, <see cref="PartSize"/> a part but the last, one
/// <see cref="AudienceLine"/> a line, in upload order) and <c>errors.csv</c> (the row-error report:
/// <c>row,field,reason</c>).
/// </remarks>
public static class AudienceBlobs
{
    public const string Container = "campaign-audiences";

    /// <summary>Contacts per part blob: a multiple of <see cref="ContactsPerRequest"/>, so no request spans two parts.</summary>
    public const int PartSize = 10_000;

    /// <summary>Contacts per send request: the send path's default limit.</summary>
    public const int ContactsPerRequest = 100;

    /// <summary>Every upload of one campaign.</summary>
    public static string CampaignPrefix(Guid orgId, Guid campaignId) => $"{orgId:N}/{campaignId:N}/";

    public static string Prefix(Guid orgId, Guid campaignId, Guid uploadId) => $"{CampaignPrefix(orgId, campaignId)}{uploadId:N}/";

    public static string Part(Guid orgId, Guid campaignId, Guid uploadId, int part) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix(orgId, campaignId, uploadId)}contacts-{part:D5}.jsonl");

    public static string Errors(Guid orgId, Guid campaignId, Guid uploadId) => $"{Prefix(orgId, campaignId, uploadId)}errors.csv";

    /// <summary>The part that holds request <paramref name="request"/>, and the request's first line in it.</summary>
    public static (int Part, int FirstLine) Locate(int request) =>
        (request * ContactsPerRequest / PartSize, request * ContactsPerRequest % PartSize);
}

/// <summary>One valid contact of an audience, as a line of a part blob.</summary>
/// <param name="Row">The contact's row number in the upload (1-based, the header not counted), for reports.</param>
public sealed record AudienceLine(
    [property: JsonPropertyName("row")] int Row,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("optin")] bool OptIn,
    [property: JsonPropertyName("locale")] string? Locale,
    [property: JsonPropertyName("items")] IReadOnlyDictionary<string, string>? ContextItems,
    [property: JsonPropertyName("regarding")] string? EntityRelationshipName)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static AudienceLine From(int row, SendContact contact) => new(
        row, contact.To, contact.OptIn, contact.Locale, contact.ContextItems.Count > 0 ? contact.ContextItems : null, contact.EntityRelationshipName);

    public SendContact ToContact() => new(
        To, OptIn, Locale, ContextItems?.ToImmutableDictionary() ?? ImmutableDictionary<string, string>.Empty, EntityRelationshipName);

    /// <summary>Writes the line (without its newline).</summary>
    public void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, Options);

    public static AudienceLine Parse(ReadOnlySpan<byte> line) =>
        JsonSerializer.Deserialize<AudienceLine>(line, Options) ?? throw new JsonException("An audience line is a JSON object.");
}
