using System.Text.Json;
using Outbound.Conversations;
using Outbound.Sending;

namespace Outbound.Gateway.Callbacks;

/// <summary>One event of an Event Grid delivery, whatever its schema: its id, type and <c>data</c>.</summary>
public sealed record DeliveredEvent(string Id, string? Type, JsonElement Data);

/// <summary>
/// Reads what Event Grid POSTs to a webhook (providers.md §4.6): an Event Grid schema array, one CloudEvent
/// (<c>application/cloudevents+json</c>) or a CloudEvents batch (<c>application/cloudevents-batch+json</c>, an array).
/// Property names are matched case-insensitively: ACS's own examples write <c>data</c> in camelCase and in PascalCase.
/// </summary>
public static class AcsEvents
{
    public const string SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";
    public const string SmsDeliveryReportReceived = "Microsoft.Communication.SMSDeliveryReportReceived";
    public const string SmsReceived = "Microsoft.Communication.SMSReceived";

    /// <summary>The events in <paramref name="root"/>, or null if it is neither an event nor an array of them.</summary>
    public static IReadOnlyList<DeliveredEvent>? Read(JsonElement root)
    {
        if (!IsText(root))
        {
            return null;
        }

        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                return [Event(root)];
            case JsonValueKind.Array:
                var events = new List<DeliveredEvent>(root.GetArrayLength());
                foreach (var item in root.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        return null;
                    }

                    events.Add(Event(item));
                }

                return events;
            default:
                return null;
        }
    }

    /// <summary>The <c>validationCode</c> of a subscription validation event.</summary>
    public static string? ValidationCode(DeliveredEvent e) => Text(e.Data, "validationCode");

    /// <summary>
    /// A delivery report as the batch grain takes it, and the tag that names its batch. ACS reports carry no error
    /// code, only the status and a details text, which a failed message keeps as its error text.
    /// </summary>
    public static (string? Tag, StatusReport Report) DeliveryReport(DeliveredEvent e)
    {
        var status = Text(e.Data, "deliveryStatus");
        return (Text(e.Data, "tag"), new StatusReport(
            e.Id,
            Text(e.Data, "messageId"),
            Text(e.Data, "to"),
            Status(status),
            ErrorCode: null,
            Text(e.Data, "deliveryStatusDetails") is { Length: > 0 } details ? details : $"ACS reported the message {status}."));
    }

    /// <summary>A customer's SMS; null when it lacks its id, sender or recipient. Its time falls back to <paramref name="now"/>.</summary>
    public static AcsReceivedSms? ReceivedSms(DeliveredEvent e, DateTimeOffset now)
    {
        if (Text(e.Data, "messageId") is not { Length: > 0 } messageId || Text(e.Data, "from") is not { } from || Text(e.Data, "to") is not { } to)
        {
            return null;
        }

        var receivedAt = Property(e.Data, "receivedTimestamp") is { ValueKind: JsonValueKind.String } at && at.TryGetDateTimeOffset(out var parsed) ? parsed : now;
        return new AcsReceivedSms(messageId, from, to, Text(e.Data, "message") ?? "", receivedAt);
    }

    /// <summary>ACS's documented delivery statuses (case-insensitive) in ours; any other changes nothing.</summary>
    private static MessageStatus Status(string? status) => status?.ToUpperInvariant() switch
    {
        "DELIVERED" => MessageStatus.Delivered,
        "FAILED" => MessageStatus.Failed,
        _ => MessageStatus.Accepted,
    };

    // Event Grid names the type "eventType", CloudEvents "type".
    private static DeliveredEvent Event(JsonElement e) =>
        new(Text(e, "id") ?? "", Text(e, "eventType") ?? Text(e, "type"), Property(e, "data") ?? default);

    private static string? Text(JsonElement obj, string name) =>
        Property(obj, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>
    /// Whether every name and string in <paramref name="element"/> decodes to text. The parser checks only the
    /// structure; invalid UTF-8 or a lone surrogate escape would otherwise fail later, when a field is read.
    /// </summary>
    private static bool IsText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(IsText);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(property => property.Name is not null && IsText(property.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
