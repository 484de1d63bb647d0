using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Keys;
using Outbound.Gateway.Problems;
using Outbound.Orgs;
using Outbound.Routing;
using Outbound.Security;

namespace Outbound.Gateway.Routing;

/// <summary>An agent: who answers the conversations of their queues.</summary>
/// <param name="QueueIds">Queues of the org the agent serves (at most 20).</param>
/// <param name="Capacity">The most conversations the agent holds at once (1–100).</param>
public sealed record AgentRequest([property: Required] string? Name, [property: Required] IReadOnlyList<Guid>? QueueIds, [property: Required] int? Capacity);

/// <param name="Status"><c>available</c> (takes new conversations), <c>busy</c> or <c>away</c> (keeps theirs, takes none), <c>offline</c> (after a grace period their conversations go back to their queues).</param>
public sealed record PresenceRequest([property: Required] string? Status);

/// <param name="Name">What the key is for (1–100 characters), e.g. the agent's workstation.</param>
public sealed record AgentApiKeyRequest([property: Required] string? Name);

/// <summary>An agent with their presence and load.</summary>
/// <param name="Presence"><c>available</c>, <c>busy</c>, <c>away</c> or <c>offline</c> (a new agent is offline).</param>
/// <param name="ActiveConversations">The conversations they hold now.</param>
public sealed record AgentResponse(
    Guid Id, string Name, IReadOnlyList<Guid> QueueIds, int Capacity, string Presence, DateTimeOffset PresenceSince, int ActiveConversations,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static AgentResponse From(AgentView view)
    {
        var (stored, a) = (view.Stored, view.Stored.Item);
        return new(stored.Id, a.Name, a.QueueIds, a.Capacity, RoutingWire.Of(view.Presence), view.PresenceSince, view.Active,
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }
}

/// <summary>A conversation an agent holds.</summary>
/// <param name="Customer">The customer's address (E.164).</param>
/// <param name="Status">Always <c>assigned</c>: the agent holds it.</param>
/// <param name="Answered">Whether the agent has replied since it was assigned.</param>
public sealed record AgentConversationResponse(
    Guid Id, string Customer, string Status, Guid QueueId, Guid ChannelId, DateTimeOffset AssignedAt, DateTimeOffset WaitingSince, bool Answered);

/// <summary>The conversations an agent holds, oldest assignment first (at most their capacity).</summary>
public sealed record AgentConversationListResponse(IReadOnlyList<AgentConversationResponse> Items);

public static class AgentsApi
{
    /// <summary><c>/v1/agents</c>: an admin manages the org's agents and their keys.</summary>
    public static RouteGroupBuilder MapAgents(this RouteGroupBuilder admin)
    {
        var agents = admin.MapGroup("/agents").WithTags("Agents");

        agents.MapCatalogViews(new CatalogViewKind<IAgentGrain, AgentSettings, AgentRequest, AgentView, AgentResponse>(
            CatalogKind.Agent, "id", "Agent", "agent", Agent,
            (g, item) => g.CreateAsync(item), (g, item) => g.ReplaceAsync(item), ToSettings, g => g.GetViewAsync(), AgentResponse.From)
        {
            Texts = new(
                new("Create an agent", "A new agent starts offline; they take conversations once their presence is available."),
                new("List agents", "The org's agents, oldest first, a page at a time: pass nextCursor as cursor for the next page."),
                new("Get an agent", "One agent of the org, with their presence and how many conversations they hold."),
                new("Replace an agent", "Replaces the agent's settings whole; conversations they hold stay with them.")),
        });

        agents.MapDelete("/{id:guid}", async (Guid id, HttpContext http, IGrainFactory grains) =>
            await Agent(http, grains, id).DeleteAsync() ? Results.NoContent() : NotFound(id))
        .WithName("DeleteAgent")
        .WithSummary("Delete an agent")
        .WithDescription("Deletes the agent: their conversations go back to their queues and their API keys stop working.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);

        agents.MapPut("/{id:guid}/presence", (Guid id, PresenceRequest request, HttpContext http, IGrainFactory grains) =>
            SetPresenceAsync(id, request, http, grains))
        .WithName("SetAgentPresence")
        .WithSummary("Set an agent's presence")
        .WithDescription("Only available agents take new conversations; busy and away agents keep theirs; an offline agent's conversations go back to their queues after a grace period.")
        .Produces<AgentResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        agents.MapPost("/{id:guid}/api-keys", async (Guid id, AgentApiKeyRequest request, HttpContext http, IGrainFactory grains, SigningKeys signingKeys) =>
        {
            var name = request.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > ApiKeysApi.MaxNameLength)
            {
                return Problem.Validation("name", $"name is required and at most {ApiKeysApi.MaxNameLength} characters.");
            }

            if (await Agent(http, grains, id).GetViewAsync() is null)
            {
                return NotFound(id);
            }

            var orgId = http.OrgId();
            return await ApiKeysApi.AddAsync(orgId, ApiKeysApi.NewKey(orgId, name, ApiKeyScope.Agent, signingKeys, id), grains);
        })
        .WithName("CreateAgentApiKey")
        .WithSummary("Create an agent's API key")
        .WithDescription("Issues a key of scope agent that acts as this agent (/v1/agents/me); the key is in this answer only. Revoke it like any key.")
        .Produces<CreatedApiKeyResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

        return admin;
    }

    /// <summary><c>/v1/agents/me</c>: an agent key acts as its agent.</summary>
    public static RouteGroupBuilder MapAgentSelf(this RouteGroupBuilder agent)
    {
        var me = agent.MapGroup("/agents/me").WithTags("Agents");

        me.MapGet("/", async (HttpContext http, IGrainFactory grains) =>
            http.AgentId() is not { } id ? NoAgent()
            : await Agent(http, grains, id).GetViewAsync() is { } view ? Results.Ok(AgentResponse.From(view)) : NotFound(id))
        .WithName("GetMe")
        .WithSummary("Get the key's agent")
        .WithDescription("The agent the API key names. A key that names no agent (an admin key) is refused with 403.")
        .Produces<AgentResponse>()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        me.MapGet("/conversations", async (HttpContext http, IGrainFactory grains) =>
        {
            if (http.AgentId() is not { } id)
            {
                return NoAgent();
            }

            var held = await Agent(http, grains, id).GetConversationsAsync();
            return Results.Ok(new AgentConversationListResponse([.. held.Select(c =>
                new AgentConversationResponse(c.ConversationId, c.Customer, "assigned", c.QueueId, c.ChannelId, c.AssignedAt, c.WaitingSince, c.Answered))]));
        })
        .WithName("ListMyConversations")
        .WithSummary("List the agent's conversations")
        .WithDescription("The conversations the key's agent holds now, oldest assignment first.")
        .Produces<AgentConversationListResponse>()
        .ProducesProblem(StatusCodes.Status403Forbidden);

        me.MapPut("/presence", (PresenceRequest request, HttpContext http, IGrainFactory grains) =>
            http.AgentId() is { } id ? SetPresenceAsync(id, request, http, grains) : Task.FromResult(NoAgent()))
        .WithName("SetMyPresence")
        .WithSummary("Set the agent's presence")
        .WithDescription("The key's agent sets their own presence: available, busy, away or offline.")
        .Produces<AgentResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        me.MapAgentEvents();
        me.MapAgentChoices();
        return agent;
    }

    internal static IAgentGrain Agent(HttpContext http, IGrainFactory grains, Guid id) =>
        grains.GetGrain<IAgentGrain>(RoutingKeys.Agent(http.OrgId(), id));

    internal static IResult NoAgent() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "The API key names no agent.",
        detail: "This endpoint acts as the agent an agent key names: create one with POST /v1/agents/{id}/api-keys.");

    internal static IResult NotFound(Guid id) => Problem.NotFound($"No agent '{id}' exists.");

    private static async Task<IResult> SetPresenceAsync(Guid id, PresenceRequest request, HttpContext http, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (errors.Choice(request.Status, "status", RoutingWire.Presences) is not { } presence)
        {
            return errors.ToProblem();
        }

        return await Agent(http, grains, id).SetPresenceAsync(presence) is { } view ? Results.Ok(AgentResponse.From(view)) : NotFound(id);
    }

    private static AgentSettings? ToSettings(AgentRequest request, FieldErrors errors)
    {
        var name = RoutingWire.Name(request.Name, errors);
        var queueIds = RoutingWire.Ids(request.QueueIds, "queueIds", AgentSettings.MaxQueues, errors);
        if (request.Capacity is not { } capacity || capacity is < 1 or > AgentSettings.MaxCapacity)
        {
            errors.Add("capacity", $"capacity is between 1 and {AgentSettings.MaxCapacity}.");
            return null;
        }

        return errors.Any ? null : new AgentSettings(name, queueIds, capacity);
    }
}
