using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
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

        queues.MapCatalogViews(new CatalogViewKind<IQueueGrain, QueueSettings, QueueRequest, QueueView, QueueResponse>(
            CatalogKind.Queue, "id", "Queue", "queue", Queue,
            (g, item) => g.CreateAsync(item), (g, item) => g.ReplaceAsync(item), Check, g => g.GetViewAsync(), QueueResponse.From)
        {
            Texts = new(
                new("Create a queue", "A queue takes the new conversations of its channels and assigns them to its available agents. A channel already in another queue is refused (400 naming channelIds)."),
                new("List queues", "The org's queues, oldest first, a page at a time: pass nextCursor as cursor for the next page."),
                new("Get a queue", "One queue of the org, with how many conversations wait in it."),
                new("Replace a queue", "Replaces the queue's settings whole; conversations already in it stay.")),
        });

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
