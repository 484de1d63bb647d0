using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Outbound.Tests.Routing;

/// <summary>An agent's live event stream (<c>GET /v1/agents/me/events</c>) as a test reads it.</summary>
public static class AgentEvents
{
    /// <summary>Opens the agent's live event stream (from after <paramref name="lastEventId"/>), once the agent is subscribed.</summary>
    public static async Task<StreamReader> OpenEventsAsync(this HttpClient http, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agents/me/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The stream is open (and the agent subscribed) once its first comment arrives.
        Assert.StartsWith(":", await reader.ReadLineAsync());
        return reader;
    }

    /// <summary>Reads the stream up to the next event of <paramref name="type"/>: its id and data.</summary>
    public static async Task<(string Id, JsonObject Data)> ReadEventAsync(this StreamReader reader, string type)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? id = null, name = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == type)
            {
                return (id!, JsonNode.Parse(line[6..])!.AsObject());
            }
        }

        throw new InvalidOperationException($"The stream ended before an '{type}' event.");
    }
}
