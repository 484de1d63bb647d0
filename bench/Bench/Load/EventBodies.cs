using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Load;

/// <summary>
/// A CloudEvents batch of <c>case.created</c> events, as a CRM would post it: each event a distinct customer number
/// and the message tag in its data, which the bench's trigger maps to <c>tocontactid</c> and the tag slug.
/// </summary>
public static class EventBodies
{
    public const string Path = "/v1/events";
    public const string EventType = "case.created";
    public const string Source = "bench-crm";

    /// <summary>Where the trigger finds the customer's number and the tag in each event's data.</summary>
    public const string PhonePointer = "/customer/phone";
    public const string TagPointer = "/caseName";

    private static readonly MediaTypeHeaderValue Batch = new("application/cloudevents-batch+json");

    /// <summary>Events are ids of their tag: unique within the phase, so each is accepted once.</summary>
    public static byte[] Create(char phase, int sequence, int events, ContactNumbers numbers)
    {
        var buffer = new ArrayBufferWriter<byte>(events * 200);
        var time = DateTimeOffset.UtcNow;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var i = 0; i < events; i++)
            {
                var tag = MessageTags.Format(phase, sequence, i);
                json.WriteStartObject();
                json.WriteString("specversion", "1.0");
                json.WriteString("type", EventType);
                json.WriteString("source", Source);
                json.WriteString("id", tag);
                json.WriteString("time", time);
                json.WriteStartObject("data");
                json.WriteString("caseName", tag);
                json.WriteString("priority", "high");
                json.WriteStartObject("customer");
                json.WriteString("phone", numbers.Next());
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static HttpContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Batch;
        return content;
    }

    /// <summary>The trigger the bench's org runs on every event: one message per event to its customer, the tag as the slug.</summary>
    public static object Trigger(Guid configurationId) => new
    {
        name = "Bench case created",
        eventType = EventType,
        configurationId,
        contact = new
        {
            tocontactid = PhonePointer,
            contextitems = new Dictionary<string, string> { [TenantSetup.TagSlug] = TagPointer },
        },
    };
}
