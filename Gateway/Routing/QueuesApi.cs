using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;
using Outbound.Routing;

namespace Outbound.Gateway.Routing;

/// <summary>A queue: the channels whose new conversations it takes, and how it picks an agent.</summary>
/// <param name="ChannelIds">Channels of the org (at most 50); a channel belongs to one queue at most.</param>
/// <param name="Strategy"><c>round-robin</c> (each available agent in turn) or <c>least-active</c> (the one with the fewest conversations, then the one idle longest).</param>
/// <param name="UnansweredReassignSeconds">A conversation its agent has not answered after this many seconds (10–86400) goes to another agent; 0 or absent: never.</param>
public sealed record QueueRequest(
    [property: Required] string? Name, [property: Required] IReadOnlyList<Guid>? ChannelIds, [property: Required] string? Strategy, int? UnansweredReassignSeconds);

/// <summary>A queue and its current load.</summary>
/// <param name="Waiting">Conversations waiting for an agent.</param>
/// <param name="Agents">Agents serving the queue.</param>
public sealed record QueueResponse(
    Guid Id, string Name, IReadOnlyList<Guid> ChannelIds, string Strategy, int UnansweredReassignSeconds, int Waiting, int Agents,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static QueueResponse From(QueueView view)
    {
        var (stored, q) = (view.Stored, view.Stored.Item);
        return new(stored.Id, q.Name, q.ChannelIds, RoutingWire.Of(q.Strategy), q.UnansweredReassignSeconds, view.Waiting, view.Agents,
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }
}

public static class QueuesApi
{
    /// <summary><c>/v1/queues</c>: an admin sets up which queue takes each channel's conversations.</summary>
    public static RouteGroupBuilder MapQueues(this RouteGroupBuilder admin)
    {
        var queues = admin.MapGroup("/queues").WithTags("Queues");

        queues.MapPost("/", async (QueueRequest request, HttpContext http, IGrainFactory grains, TimeProvider time) =>
        {
            if (ToSettings(request) is not { } settings)
            {
                return Invalid(request);
            }

            var id = Guid.CreateVersion7(time.GetUtcNow());
            var result = await Queue(http, grains, id).CreateAsync(settings);
            return result.Status == SaveStatus.Saved
                ? Results.Created($"/v1/queues/{id}", QueueResponse.From(new QueueView(result.Saved!, 0, 0)))
                : Problem.Validation(result.Errors);
        })
        .WithName("CreateQueue")
        .WithSummary("Create a queue")
        .WithDescription("A queue takes the new conversations of its channels and assigns them to its available agents. A channel already in another queue is refused (400 naming channelIds).")
        .Produces<QueueResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        queues.MapGet("/", (HttpContext http, IGrainFactory grains, int? limit, string? cursor) =>
            RoutingWire.PageAsync(http, grains, CatalogKind.Queue, limit, cursor, async id =>
                await Queue(http, grains, id).GetViewAsync() is { } view ? QueueResponse.From(view) : null))
        .WithName("ListQueues")
        .WithSummary("List queues")
        .WithDescription("The org's queues, oldest first, a page at a time: pass nextCursor as cursor for the next page.")
        .Produces<Catalog.Page<QueueResponse>>()
        .ProducesValidationProblem();

        queues.MapGet("/{id:guid}", async (Guid id, HttpContext http, IGrainFactory grains) =>
            await Queue(http, grains, id).GetViewAsync() is { } view ? Results.Ok(QueueResponse.From(view)) : NotFound(id))
        .WithName("GetQueue")
        .WithSummary("Get a queue")
        .WithDescription("One queue of the org, with how many conversations wait in it.")
        .Produces<QueueResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        queues.MapPut("/{id:guid}", async (Guid id, QueueRequest request, HttpContext http, IGrainFactory grains) =>
        {
            if (ToSettings(request) is not { } settings)
            {
                return Invalid(request);
            }

            var queue = Queue(http, grains, id);
            var result = await queue.ReplaceAsync(settings);
            return result.Status switch
            {
                SaveStatus.Saved => await queue.GetViewAsync() is { } view ? Results.Ok(QueueResponse.From(view)) : NotFound(id),
                SaveStatus.NotFound => NotFound(id),
                _ => Problem.Validation(result.Errors),
            };
        })
        .WithName("ReplaceQueue")
        .WithSummary("Replace a queue")
        .WithDescription("Replaces the queue's settings whole; conversations already in it stay.")
        .Produces<QueueResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        queues.MapDelete("/{id:guid}", async (Guid id, HttpContext http, IGrainFactory grains) =>
        {
            var result = await Queue(http, grains, id).DeleteAsync();
            return result.Status switch
            {
                QueueDeleteStatus.Deleted => Results.NoContent(),
                QueueDeleteStatus.NotFound => NotFound(id),
                _ => Problem.Conflict($"{result.Waiting} conversations wait in this queue: close them or let agents take them first."),
            };
        })
        .WithName("DeleteQueue")
        .WithSummary("Delete a queue")
        .WithDescription("Deletes the queue: its channels' new conversations then wait without a queue. Refused (409) while conversations wait in it; conversations already assigned stay with their agents.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

        return admin;
    }

    private static QueueSettings? ToSettings(QueueRequest request) => Check(request, new FieldErrors());

    private static IResult Invalid(QueueRequest request)
    {
        var errors = new FieldErrors();
        Check(request, errors);
        return errors.ToProblem();
    }

    private static QueueSettings? Check(QueueRequest request, FieldErrors errors)
    {
        var name = RoutingWire.Name(request.Name, errors);
        var channelIds = RoutingWire.Ids(request.ChannelIds, "channelIds", QueueSettings.MaxChannels, errors);
        var strategy = errors.Choice(request.Strategy, "strategy", RoutingWire.Strategies);
        var reassign = request.UnansweredReassignSeconds ?? 0;
        if (reassign != 0 && reassign is < QueueSettings.MinReassignSeconds or > QueueSettings.MaxReassignSeconds)
        {
            errors.Add("unansweredReassignSeconds", $"unansweredReassignSeconds is 0 (never) or between {QueueSettings.MinReassignSeconds} and {QueueSettings.MaxReassignSeconds}.");
        }

        return errors.Any || strategy is null ? null : new QueueSettings(name, channelIds, strategy.Value, reassign);
    }

    private static IQueueGrain Queue(HttpContext http, IGrainFactory grains, Guid id) =>
        grains.GetGrain<IQueueGrain>(RoutingKeys.Queue(http.OrgId(), id));

    private static IResult NotFound(Guid id) => Problem.NotFound($"No queue '{id}' exists.");
}
