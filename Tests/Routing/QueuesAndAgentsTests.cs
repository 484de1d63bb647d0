using System.Net;
using System.Net.Http.Json;

namespace Outbound.Tests.Routing;

/// <summary>An admin sets up queues and agents through the API; bad input is a problem naming the field.</summary>
[Trait("Category", "Integration")]
public sealed class QueuesAndAgentsTests(RoutingSystem system) : IClassFixture<RoutingSystem>
{
    [Fact]
    public async Task A_queue_is_created_listed_replaced_and_deleted()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var id = await org.Http.CreateQueueAsync([channel], "least-active", 60);

        var got = await (await org.Http.GetAsync($"/v1/queues/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("least-active", got["strategy"]!.GetValue<string>());
        Assert.Equal(60, got["unansweredReassignSeconds"]!.GetValue<int>());
        Assert.Equal(channel, got["channelIds"]![0]!.GetValue<Guid>());

        var replaced = await (await org.Http.PutAsJsonAsync($"/v1/queues/{id}", new { name = "Sales", channelIds = Array.Empty<Guid>(), strategy = "round-robin" })).Json(HttpStatusCode.OK);
        Assert.Equal("Sales", replaced["name"]!.GetValue<string>());
        Assert.Equal(0, replaced["unansweredReassignSeconds"]!.GetValue<int>());
        Assert.Equal(2, replaced["version"]!.GetValue<int>());

        var list = await (await org.Http.GetAsync("/v1/queues?limit=1")).Json(HttpStatusCode.OK);
        Assert.Equal(id, list["items"]![0]!["id"]!.GetValue<Guid>());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/queues/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/queues/{id}")).StatusCode);
        // Its channel is free again.
        await org.Http.CreateQueueAsync([channel]);
    }

    [Fact]
    public async Task A_channel_takes_one_queue_and_must_be_the_orgs()
    {
        var org = await system.CreateOrgAsync();
        var other = await system.CreateOrgAsync("Other");
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var othersChannel = await other.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        await org.Http.CreateQueueAsync([channel]);

        await (await org.Http.PostAsJsonAsync("/v1/queues", new { name = "Second", channelIds = new[] { channel }, strategy = "round-robin" })).AssertProblemNaming("channelIds");
        await (await org.Http.PostAsJsonAsync("/v1/queues", new { name = "Theirs", channelIds = new[] { othersChannel }, strategy = "round-robin" })).AssertProblemNaming("channelIds");
        await (await org.Http.PostAsJsonAsync("/v1/queues", new { name = "Q", channelIds = Array.Empty<Guid>(), strategy = "fastest" })).AssertProblemNaming("strategy");
        await (await org.Http.PostAsJsonAsync("/v1/queues", new { name = "Q", channelIds = Array.Empty<Guid>(), strategy = "round-robin", unansweredReassignSeconds = 3 })).AssertProblemNaming("unansweredReassignSeconds");
    }

    [Fact]
    public async Task An_agent_is_created_offline_in_existing_queues_within_capacity_bounds()
    {
        var org = await system.CreateOrgAsync();
        var queue = await org.Http.CreateQueueAsync([]);

        var created = await (await org.Http.PostAsJsonAsync("/v1/agents", new { name = "Ada", queueIds = new[] { queue }, capacity = 3 })).Json(HttpStatusCode.Created);
        Assert.Equal("offline", created["presence"]!.GetValue<string>());
        var id = created["id"]!.GetValue<Guid>();

        var available = await (await org.Http.PutAsJsonAsync($"/v1/agents/{id}/presence", new { status = "available" })).Json(HttpStatusCode.OK);
        Assert.Equal("available", available["presence"]!.GetValue<string>());
        Assert.Equal(1, (await (await org.Http.GetAsync($"/v1/queues/{queue}")).Json(HttpStatusCode.OK))["agents"]!.GetValue<int>());

        await (await org.Http.PostAsJsonAsync("/v1/agents", new { name = "Bob", queueIds = new[] { Guid.NewGuid() }, capacity = 1 })).AssertProblemNaming("queueIds");
        await (await org.Http.PostAsJsonAsync("/v1/agents", new { name = "Bob", queueIds = new[] { queue }, capacity = 0 })).AssertProblemNaming("capacity");
        await (await org.Http.PostAsJsonAsync("/v1/agents", new { name = "Bob", queueIds = new[] { queue }, capacity = 101 })).AssertProblemNaming("capacity");
        await (await org.Http.PutAsJsonAsync($"/v1/agents/{id}/presence", new { status = "napping" })).AssertProblemNaming("status");

        var list = await (await org.Http.GetAsync("/v1/agents")).Json(HttpStatusCode.OK);
        Assert.Single(list["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/agents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/agents/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_queue_with_waiting_conversations_cannot_be_deleted()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var queue = await org.Http.CreateQueueAsync([channel]);
        await system.Grains.OpenConversationAsync(org.OrgId, channel);

        var problem = await (await org.Http.DeleteAsync($"/v1/queues/{queue}")).Json(HttpStatusCode.Conflict);
        Assert.Contains("wait", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
