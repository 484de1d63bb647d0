using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Outbound.Conversations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Conversations;
using Outbound.Routing;

namespace Outbound.Gateway.Routing;

/// <summary>The <c>data</c> of an agent's live event: the same shapes as the conversations API's.</summary>
/// <param name="Entry">With <c>message</c>: the new transcript entry.</param>
/// <param name="Answers">With <c>assigned</c>: the outbound message the conversation answers.</param>
public sealed record AgentEventData(Guid ConversationId, string Customer, DateTimeOffset At, TranscriptEntryResponse? Entry, LinkedOutboundResponse? Answers);

/// <summary>
/// <c>GET /v1/agents/me/events</c>: the agent's live events as server-sent events. The gateway subscribes an
/// observer to the agent's grain for the life of the connection and renews it well before it expires.
/// </summary>
internal static class AgentEventsApi
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    // Events a slow reader may fall behind by before the oldest are dropped (the reader then reconnects with Last-Event-ID).
    private const int Buffered = 1_000;

    public static void MapAgentEvents(this RouteGroupBuilder me) =>
        me.MapGet("/events", StreamAsync)
        .WithName("StreamMyEvents")
        .WithSummary("Stream the agent's live events")
        .WithDescription("Server-sent events: each event is `id: <sequence>`, `event: assigned|message|transferred|closed` and `data: <json>`; "
            + "a comment line every 15 s keeps the connection open. Reconnect with Last-Event-ID to get the events since (the agent keeps the last 100).")
        .Produces<AgentEventData>(StatusCodes.Status200OK, "text/event-stream")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<IResult> StreamAsync(
        HttpContext http, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IHostApplicationLifetime lifetime,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId)
    {
        if (http.AgentId() is not { } agentId)
        {
            return AgentsApi.NoAgent();
        }

        long? after = null;
        if (!string.IsNullOrEmpty(lastEventId))
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.Problem.Validation("Last-Event-ID", "Last-Event-ID is the id of an event this stream sent.");
            }

            after = parsed;
        }

        var agent = AgentsApi.Agent(http, grains, agentId);
        if (await agent.GetViewAsync() is null)
        {
            return AgentsApi.NotFound(agentId);
        }

        var feed = new Feed();
        var observer = grains.CreateObjectReference<IAgentObserver>(feed);
        if (await agent.SubscribeAsync(observer, after) is not { } replay)
        {
            grains.DeleteObjectReference<IAgentObserver>(observer);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many event streams.",
                detail: $"The agent has {AgentEventFeed.MaxStreams} event streams open, the most they may: close one first.");
        }

        // A gateway shutting down ends its streams (the agents reconnect elsewhere with Last-Event-ID) instead of waiting on them.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ended.Token;
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await WriteAsync(http, ": connected\n\n", aborted);
            foreach (var e in replay)
            {
                await WriteEventAsync(http, e, json.Value.SerializerOptions, aborted);
            }

            var renewAt = DateTimeOffset.UtcNow + AgentEventFeed.ObserverLifetime / 3;
            while (!aborted.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                wait.CancelAfter(Heartbeat);
                bool ready;
                try
                {
                    ready = await feed.Events.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await WriteAsync(http, ": heartbeat\n\n", aborted);
                    ready = false;
                }

                while (ready && feed.Events.Reader.TryRead(out var e))
                {
                    await WriteEventAsync(http, e, json.Value.SerializerOptions, aborted);
                }

                if (DateTimeOffset.UtcNow >= renewAt)
                {
                    // The grain drops observers it has not heard from: renew well before that.
                    await agent.SubscribeAsync(observer, null);
                    renewAt = DateTimeOffset.UtcNow + AgentEventFeed.ObserverLifetime / 3;
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The agent closed the connection.
        }
        finally
        {
            try
            {
                await agent.UnsubscribeAsync(observer);
            }
            catch
            {
                // The grain forgets it when it expires anyway.
            }

            grains.DeleteObjectReference<IAgentObserver>(observer);
        }

        return Results.Empty;
    }

    private static Task WriteEventAsync(HttpContext http, SequencedAgentEvent sequenced, JsonSerializerOptions options, CancellationToken cancel)
    {
        var e = sequenced.Event;
        var data = new AgentEventData(e.ConversationId, e.Customer, e.At,
            e.Entry is { } entry ? TranscriptEntryResponse.From(entry) : null,
            LinkedOutboundResponse.From(e.Answers));
        var text = new StringBuilder()
            .Append("id: ").Append(sequenced.Sequence.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(e.Type.ToString().ToLowerInvariant()).Append('\n')
            .Append("data: ").Append(JsonSerializer.Serialize(data, options)).Append("\n\n");
        return WriteAsync(http, text.ToString(), cancel);
    }

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken cancel)
    {
        await http.Response.WriteAsync(text, cancel);
        await http.Response.Body.FlushAsync(cancel);
    }

    /// <summary>The observer the agent's grain calls; the connection's loop reads what it hears.</summary>
    private sealed class Feed : IAgentObserver
    {
        public Channel<SequencedAgentEvent> Events { get; } =
            Channel.CreateBounded<SequencedAgentEvent>(new BoundedChannelOptions(Buffered) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public Task OnEventAsync(SequencedAgentEvent agentEvent)
        {
            Events.Writer.TryWrite(agentEvent);
            return Task.CompletedTask;
        }
    }
}
