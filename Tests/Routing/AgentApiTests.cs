using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Outbound.Tests.Routing;

/// <summary>An agent key acts as its agent: their own conversations, their presence, their live events.</summary>
[Trait("Category", "Integration")]
public sealed class AgentApiTests(RoutingSystem system) : IClassFixture<RoutingSystem>
{
    [Fact]
    public async Task An_agent_key_sees_only_its_own_agent_and_conversations()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var queue = await org.Http.CreateQueueAsync([channel]);
        var ada = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        var mine = await system.Grains.OpenConversationAsync(org.OrgId, channel);
        await system.Grains.WaitForAgentAsync(org.OrgId, mine, ada);
        var bob = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        var theirs = await system.Grains.OpenConversationAsync(org.OrgId, channel);
        await system.Grains.WaitForAgentAsync(org.OrgId, theirs, bob);

        using var asAda = system.WithBearer(await org.Http.CreateAgentKeyAsync(ada));
        Assert.Equal(ada, (await (await asAda.GetAsync("/v1/agents/me")).Json(HttpStatusCode.OK))["id"]!.GetValue<Guid>());
        var items = (await (await asAda.GetAsync("/v1/agents/me/conversations")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        var only = Assert.Single(items);
        Assert.Equal(mine, only!["id"]!.GetValue<Guid>());
        Assert.Equal("assigned", only["status"]!.GetValue<string>());

        // An agent key is not an admin's: it cannot manage agents or read another agent.
        Assert.Equal(HttpStatusCode.Forbidden, (await asAda.GetAsync($"/v1/agents/{bob}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asAda.GetAsync("/v1/queues")).StatusCode);
        // An admin key names no agent.
        Assert.Equal(HttpStatusCode.Forbidden, (await org.Http.GetAsync("/v1/agents/me/conversations")).StatusCode);
    }

    [Fact]
    public async Task An_agent_scoped_key_made_for_no_agent_acts_as_no_one()
    {
        var org = await system.CreateOrgAsync();
        var key = (await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Loose", scope = "agent" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();
        using var loose = system.WithBearer(key);

        var problem = await (await loose.GetAsync("/v1/agents/me/conversations")).Json(HttpStatusCode.Forbidden);
        Assert.Equal("The API key names no agent.", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_agent_sets_their_own_presence_and_a_deleted_agents_key_stops_working()
    {
        var org = await system.CreateOrgAsync();
        var queue = await org.Http.CreateQueueAsync([]);
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 1);
        using var asAgent = system.WithBearer(await org.Http.CreateAgentKeyAsync(agent));

        var me = await (await asAgent.PutAsJsonAsync("/v1/agents/me/presence", new { status = "busy" })).Json(HttpStatusCode.OK);
        Assert.Equal("busy", me["presence"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/agents/{agent}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asAgent.GetAsync("/v1/agents/me")).StatusCode);
    }

    [Fact]
    public async Task The_agents_event_stream_hears_an_assignment_and_replays_it_after_a_reconnect()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var queue = await org.Http.CreateQueueAsync([channel]);
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        using var asAgent = system.WithBearer(await org.Http.CreateAgentKeyAsync(agent));
        asAgent.Timeout = TimeSpan.FromSeconds(30);

        string id;
        using (var stream = await asAgent.OpenEventsAsync(lastEventId: null))
        {
            var conversation = await system.Grains.OpenConversationAsync(org.OrgId, channel);
            var (eventId, data) = await stream.ReadEventAsync("assigned");
            Assert.Equal(conversation, data["conversationId"]!.GetValue<Guid>());
            id = eventId;
        }

        // Reconnecting from before it replays it.
        using var again = await asAgent.OpenEventsAsync((long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(id, (await again.ReadEventAsync("assigned")).Id);
    }

    [Fact]
    public async Task An_agent_may_keep_only_a_few_event_streams_open()
    {
        var org = await system.CreateOrgAsync();
        var queue = await org.Http.CreateQueueAsync([]);
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 1);
        using var asAgent = system.WithBearer(await org.Http.CreateAgentKeyAsync(agent));
        var open = new List<StreamReader>();
        for (var i = 0; i < Outbound.Routing.AgentEventFeed.MaxStreams; i++)
        {
            open.Add(await asAgent.OpenEventsAsync(lastEventId: null));
        }

        using var refused = await asAgent.GetAsync("/v1/agents/me/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        open.ForEach(r => r.Dispose());
    }
}
