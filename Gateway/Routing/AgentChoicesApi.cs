using Outbound.Catalog;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Routing;
using Outbound.Templates;

namespace Outbound.Gateway.Routing;

/// <summary>A queue a conversation may be transferred to.</summary>
/// <param name="Waiting">Conversations waiting in it now.</param>
public sealed record TransferQueueResponse(Guid Id, string Name, int Waiting);

/// <summary>A colleague a conversation may be transferred to: one serving its queue, available with free capacity, takes it.</summary>
/// <param name="QueueIds">The queues they serve.</param>
/// <param name="Presence"><c>available</c>, <c>busy</c>, <c>away</c> or <c>offline</c>.</param>
/// <param name="FreeCapacity">How many more conversations they may hold now.</param>
public sealed record TransferAgentResponse(Guid Id, string Name, IReadOnlyList<Guid> QueueIds, string Presence, int FreeCapacity);

/// <summary>A WhatsApp template an agent may answer with outside the 24-hour window.</summary>
/// <param name="Versions">Locale → its Content SID and variables (content-variable key → the slug it stands for).</param>
public sealed record ReplyTemplateResponse(Guid Id, string Name, string DefaultLocale, IReadOnlyDictionary<string, ReplyTemplateVersionResponse> Versions);

public sealed record ReplyTemplateVersionResponse(string ContentSid, IReadOnlyDictionary<string, string> Variables);

/// <summary>
/// What an agent chooses from in a conversation: the queues and colleagues to hand it to
/// (<c>/v1/agents/me/transfer-targets</c>), the WhatsApp templates to answer with (<c>/v1/agents/me/reply-templates</c>).
/// An agent key reads neither <c>/v1/queues</c>, <c>/v1/agents</c> nor <c>/v1/templates</c> (settings and loads are an
/// admin's); these give names, presence, room and Content SIDs only.
/// </summary>
internal static class AgentChoicesApi
{
    public static void MapAgentChoices(this RouteGroupBuilder me)
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

        // Outside WhatsApp's window only an approved template goes: the agent picks one rather than typing its SID.
        me.MapGet("/reply-templates", (int? limit, string? cursor, HttpContext http, IGrainFactory grains) =>
            http.AgentId() is null ? Task.FromResult(AgentsApi.NoAgent())
            : RoutingWire.PageAsync(http, grains, CatalogKind.Template, limit, cursor, async id =>
                await grains.GetGrain<ITemplateGrain>(CatalogKeys.Item(http.OrgId(), id)).GetAsync() is { Item: { ChannelType: ChannelType.WhatsApp } t } stored
                    ? new ReplyTemplateResponse(stored.Id, t.Name, t.DefaultLocale, t.Versions
                        .Where(v => v.Value.ContentSid is not null)
                        .ToDictionary(v => v.Key, v => new ReplyTemplateVersionResponse(v.Value.ContentSid!, v.Value.Variables ?? ImmutableDictionary<string, string>.Empty)))
                    : null))
        .WithName("ListMyReplyTemplates")
        .WithSummary("List the WhatsApp templates to reply with")
        .WithDescription("The org's WhatsApp templates, oldest first, a page at a time (pass nextCursor as cursor; a page may hold fewer than limit, as SMS templates are left out): "
            + "the Content SID and variables of each locale, to reply outside the 24-hour window.")
        .Produces<Page<ReplyTemplateResponse>>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
