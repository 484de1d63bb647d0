using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Routing;

namespace Outbound.Gateway.Routing;

/// <summary>A queue a conversation may be transferred to.</summary>
/// <param name="Waiting">Conversations waiting in it now.</param>
public sealed record TransferQueueResponse(Guid Id, string Name, int Waiting);

/// <summary>A colleague a conversation may be transferred to: one serving its queue, available with free capacity, takes it.</summary>
/// <param name="QueueIds">The queues they serve.</param>
/// <param name="Presence"><c>available</c>, <c>busy</c>, <c>away</c> or <c>offline</c>.</param>
/// <param name="FreeCapacity">How many more conversations they may hold now.</param>
public sealed record TransferAgentResponse(Guid Id, string Name, IReadOnlyList<Guid> QueueIds, string Presence, int FreeCapacity);

/// <summary>
/// <c>/v1/agents/me/transfer-targets</c>: the queues and colleagues an agent may hand a conversation to. An agent
/// key reads neither <c>/v1/queues</c> nor <c>/v1/agents</c> (settings, keys, loads are an admin's); these give
/// names, presence and room only.
/// </summary>
internal static class TransferTargetsApi
{
    public static void MapTransferTargets(this RouteGroupBuilder me)
    {
        var targets = me.MapGroup("/transfer-targets");

        targets.MapGet("/queues", (int? limit, string? cursor, HttpContext http, IGrainFactory grains) =>
            http.AgentId() is null ? Task.FromResult(AgentsApi.NoAgent())
            : RoutingWire.PageAsync(http, grains, CatalogKind.Queue, limit, cursor, async id =>
                await grains.GetGrain<IQueueGrain>(RoutingKeys.Queue(http.OrgId(), id)).GetViewAsync() is { } view
                    ? new TransferQueueResponse(view.Stored.Id, view.Stored.Item.Name, view.Waiting)
                    : null))
        .WithName("ListMyTransferQueues")
        .WithSummary("List the queues to transfer to")
        .WithDescription("The org's queues, oldest first, a page at a time (pass nextCursor as cursor): where the key's agent may transfer a conversation, to wait for an agent there.")
        .Produces<Page<TransferQueueResponse>>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden);

        targets.MapGet("/agents", (Guid? queueId, int? limit, string? cursor, HttpContext http, IGrainFactory grains) =>
            http.AgentId() is not { } self ? Task.FromResult(AgentsApi.NoAgent())
            : RoutingWire.PageAsync(http, grains, CatalogKind.Agent, limit, cursor, async id =>
            {
                if (id == self || await AgentsApi.Agent(http, grains, id).GetViewAsync() is not { } view)
                {
                    return null;
                }

                var agent = view.Stored.Item;
                return queueId is { } queue && !agent.QueueIds.Contains(queue)
                    ? null
                    : new TransferAgentResponse(view.Stored.Id, agent.Name, agent.QueueIds, RoutingWire.Of(view.Presence), Math.Max(0, agent.Capacity - view.Active));
            }))
        .WithName("ListMyTransferAgents")
        .WithSummary("List the colleagues to transfer to")
        .WithDescription("The org's other agents, oldest first, a page at a time (pass nextCursor as cursor), with their presence and free capacity; "
            + "with queueId, only those serving that queue (a page may then hold fewer than limit). A conversation goes to an agent of its queue who is available with free capacity.")
        .Produces<Page<TransferAgentResponse>>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
