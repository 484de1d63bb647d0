using System.Net;
using System.Net.Http.Json;

namespace Outbound.Tests.Routing;

/// <summary>
/// An agent key reads what it chooses from in a conversation (where to transfer it, which WhatsApp template to answer
/// with) without reading the admin's queue, agent and template settings.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AgentChoicesTests(RoutingSystem system) : IClassFixture<RoutingSystem>
{
    [Fact]
    public async Task An_agent_lists_the_queues_and_the_colleagues_of_a_queue_and_transfers_to_one_of_them()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var support = await org.Http.CreateQueueAsync([channel]);
        var billing = await org.Http.CreateAsync("/v1/queues", new { name = "Billing", channelIds = Array.Empty<Guid>(), strategy = "round-robin" });
        var ada = await org.Http.CreateAgentAsync([support], capacity: 2, "available");
        var conversation = await system.Grains.OpenConversationAsync(org.OrgId, channel);
        await system.Grains.WaitForAgentAsync(org.OrgId, conversation, ada);
        var bob = await org.Http.CreateAgentAsync([support], capacity: 3, "available");
        var carol = await org.Http.CreateAgentAsync([billing], capacity: 1);
        using var asAda = system.WithBearer(await org.Http.CreateAgentKeyAsync(ada));

        var queues = (await (await asAda.GetAsync("/v1/agents/me/transfer-targets/queues")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal([support, billing], queues.Select(q => q!["id"]!.GetValue<Guid>()));
        Assert.Equal("Billing", queues[1]!["name"]!.GetValue<string>());

        // The colleagues of the conversation's queue, with what decides whether they can take it; never the agent themself.
        var colleagues = (await (await asAda.GetAsync($"/v1/agents/me/transfer-targets/agents?queueId={support}")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        var only = Assert.Single(colleagues);
        Assert.Equal(bob, only!["id"]!.GetValue<Guid>());
        Assert.Equal("available", only["presence"]!.GetValue<string>());
        Assert.Equal(3, only["freeCapacity"]!.GetValue<int>());
        var everyone = (await (await asAda.GetAsync("/v1/agents/me/transfer-targets/agents")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal([bob, carol], everyone.Select(a => a!["id"]!.GetValue<Guid>()));

        var moved = await asAda.PostAsJsonAsync($"/v1/conversations/{conversation}/transfer", new { agentId = bob });
        Assert.Equal(HttpStatusCode.NoContent, moved.StatusCode);
        await system.Grains.WaitForAgentAsync(org.OrgId, conversation, bob);
    }

    [Fact]
    public async Task The_queues_come_a_page_at_a_time()
    {
        var org = await system.CreateOrgAsync();
        var queues = new[] { await org.Http.CreateQueueAsync([]), await org.Http.CreateQueueAsync([]), await org.Http.CreateQueueAsync([]) };
        var agent = await org.Http.CreateAgentAsync([queues[0]], capacity: 1);
        using var asAgent = system.WithBearer(await org.Http.CreateAgentKeyAsync(agent));

        var first = await (await asAgent.GetAsync("/v1/agents/me/transfer-targets/queues?limit=2")).Json(HttpStatusCode.OK);
        var next = first["nextCursor"]!.GetValue<string>();
        var second = await (await asAgent.GetAsync($"/v1/agents/me/transfer-targets/queues?limit=2&cursor={next}")).Json(HttpStatusCode.OK);

        Assert.Equal(queues, first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(q => q!["id"]!.GetValue<Guid>()));
        Assert.Null(second["nextCursor"]?.GetValue<string>());
    }

    [Fact]
    public async Task An_agent_lists_the_whatsapp_templates_to_answer_with_outside_the_window()
    {
        var org = await system.CreateOrgAsync();
        await org.Http.CreateAsync("/v1/templates", new
        {
            name = "Case created", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "Hi {CustomerName}" } },
        });
        var whatsapp = await org.Http.CreateAsync("/v1/templates", new
        {
            name = "Follow-up", channelType = "whatsapp", defaultLocale = "en-US",
            versions = new Dictionary<string, object>
            {
                ["en-US"] = new { contentSid = "HX0123456789abcdef0123456789abcdef", variables = new Dictionary<string, string> { ["1"] = "CustomerName" } },
            },
        });
        var queue = await org.Http.CreateQueueAsync([]);
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 1);
        using var asAgent = system.WithBearer(await org.Http.CreateAgentKeyAsync(agent));

        var items = (await (await asAgent.GetAsync("/v1/agents/me/reply-templates")).Json(HttpStatusCode.OK))["items"]!.AsArray();

        var only = Assert.Single(items);
        Assert.Equal(whatsapp, only!["id"]!.GetValue<Guid>());
        var version = only["versions"]!["en-US"]!;
        Assert.Equal("HX0123456789abcdef0123456789abcdef", version["contentSid"]!.GetValue<string>());
        Assert.Equal("CustomerName", version["variables"]!["1"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await asAgent.GetAsync("/v1/templates")).StatusCode);
    }
}
