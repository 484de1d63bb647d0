using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outbound.ProviderFake.Acs;

/// <summary>An event in the Event Grid schema; deliveries POST a JSON array of them.</summary>
public sealed record EventGridEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("eventType")] string EventType,
    [property: JsonPropertyName("dataVersion")] string DataVersion,
    [property: JsonPropertyName("metadataVersion")] string MetadataVersion,
    [property: JsonPropertyName("eventTime")] DateTimeOffset EventTime);

/// <summary>An event in the CloudEvents 1.0 schema; deliveries POST one as <c>application/cloudevents+json</c>.</summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("data")] JsonElement Data);

/// <summary>One event before it is put in an envelope.</summary>
public sealed record AcsEvent(string Id, string Type, string Subject, object Data, DateTimeOffset Time)
{
    public const string DeliveryReportReceived = "Microsoft.Communication.SMSDeliveryReportReceived";
    public const string SmsReceived = "Microsoft.Communication.SMSReceived";

    /// <summary>The resource the events come from: a made-up ACS resource.</summary>
    public const string Resource =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/provider-fake/providers/microsoft.communication/communicationservices/provider-fake";

    public static string SubjectFor(string phoneNumber) => "/phonenumber/" + phoneNumber.TrimStart('+');
}
