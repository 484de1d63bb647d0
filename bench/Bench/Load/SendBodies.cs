using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Load;

/// <summary>The JSON of one send request: every contact opted in, a distinct number, and its tag as the only slug value.</summary>
public static class SendBodies
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static byte[] Create(char phase, int sequence, int contacts, ContactNumbers numbers)
    {
        var buffer = new ArrayBufferWriter<byte>(contacts * 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("contacts");
            for (var i = 0; i < contacts; i++)
            {
                json.WriteStartObject();
                json.WriteString("tocontactid", numbers.Next());
                json.WriteBoolean("optin", true);
                json.WriteStartObject("contextitems");
                json.WriteString(TenantSetup.TagSlug, MessageTags.Format(phase, sequence, i));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A request's content; a new one per attempt, since a sent request disposes its content.</summary>
    public static HttpContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        return content;
    }
}
