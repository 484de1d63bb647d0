using System.Net;

namespace Outbound.Tests.Routing;

/// <summary>
/// A new conversation goes to an available agent of its channel's queue with free capacity, or waits first in,
/// first out; agents who go offline or leave a conversation unanswered lose it to the queue.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AssignmentTests(RoutingSystem system) : IClassFixture<RoutingSystem>
{
    private IGrainFactory Grains => system.Grains;

    [Fact]
    public async Task Conversations_wait_in_arrival_order_and_go_to_an_agent_as_one_comes_online_and_frees_up()
    {
        var (org, channel, queue) = await SetUpAsync();
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 1);
        var start = DateTimeOffset.UtcNow;
        var first = await Grains.OpenConversationAsync(org.OrgId, channel, start);
        var second = await Grains.OpenConversationAsync(org.OrgId, channel, start.AddSeconds(1));
        var third = await Grains.OpenConversationAsync(org.OrgId, channel, start.AddSeconds(2));
        Assert.Equal(3, (await Grains.Queue(org.OrgId, queue).GetViewAsync())!.Waiting);

        await org.Http.SetPresenceAsync(agent, "available");
        await Grains.WaitForAgentAsync(org.OrgId, first, agent);
        Assert.Null(await Grains.AgentOfAsync(org.OrgId, second));

        await Grains.Queue(org.OrgId, queue).ReleaseAsync(first);
        await Grains.WaitForAgentAsync(org.OrgId, second, agent);
        Assert.Null(await Grains.AgentOfAsync(org.OrgId, third));
    }

    [Fact]
    public async Task An_agent_never_holds_more_conversations_than_their_capacity()
    {
        var (org, channel, queue) = await SetUpAsync();
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 2, "available");
        var conversations = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Grains.OpenConversationAsync(org.OrgId, channel)));

        var view = await Eventually.ReturnsAsync(() => Grains.Queue(org.OrgId, queue).GetViewAsync(), v => v!.Waiting == 4);
        var held = await Grains.Agent(org.OrgId, agent).GetConversationsAsync();
        Assert.Equal(2, held.Length);
        // The queue hands a ticket out before the conversation has stored its new agent.
        var assigned = await Eventually.ReturnsAsync(
            async () => (await Task.WhenAll(conversations.Select(c => Grains.AgentOfAsync(org.OrgId, c)))).Count(a => a == agent),
            count => count == 2);
        Assert.Equal(2, assigned);
        Assert.Equal(4, view!.Waiting);
    }

    [Fact]
    public async Task Round_robin_takes_agents_in_turn()
    {
        var (org, channel, queue) = await SetUpAsync("round-robin");
        var ada = await org.Http.CreateAgentAsync([queue], capacity: 10, "available");
        var bob = await org.Http.CreateAgentAsync([queue], capacity: 10, "available");

        var agents = new List<Guid?>();
        for (var i = 0; i < 4; i++)
        {
            var conversation = await Grains.OpenConversationAsync(org.OrgId, channel);
            agents.Add(await Eventually.ReturnsAsync(() => Grains.AgentOfAsync(org.OrgId, conversation), a => a is not null));
        }

        Assert.Equal(2, agents.Count(a => a == ada));
        Assert.Equal(2, agents.Count(a => a == bob));
        Assert.NotEqual(agents[0], agents[1]);
        Assert.NotEqual(agents[2], agents[3]);
    }

    [Fact]
    public async Task Least_active_gives_new_conversations_to_the_agent_with_the_fewest()
    {
        var (org, channel, queue) = await SetUpAsync("least-active");
        var busy = await org.Http.CreateAgentAsync([queue], capacity: 10, "available");
        var held = new[] { await Grains.OpenConversationAsync(org.OrgId, channel), await Grains.OpenConversationAsync(org.OrgId, channel) };
        foreach (var c in held)
        {
            await Grains.WaitForAgentAsync(org.OrgId, c, busy);
        }

        var idle = await org.Http.CreateAgentAsync([queue], capacity: 10, "available");
        var next = new[] { await Grains.OpenConversationAsync(org.OrgId, channel), await Grains.OpenConversationAsync(org.OrgId, channel) };
        foreach (var c in next)
        {
            await Grains.WaitForAgentAsync(org.OrgId, c, idle);
        }
    }

    [Fact]
    public async Task An_offline_agents_conversations_go_back_to_the_front_of_the_line_after_the_grace_period()
    {
        var (org, channel, queue) = await SetUpAsync();
        var leaving = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        var start = DateTimeOffset.UtcNow;
        var older = await Grains.OpenConversationAsync(org.OrgId, channel, start);
        await Grains.WaitForAgentAsync(org.OrgId, older, leaving);
        var newer = await Grains.OpenConversationAsync(org.OrgId, channel, start.AddSeconds(1));

        await org.Http.SetPresenceAsync(leaving, "offline");
        await Eventually.ReturnsAsync(() => Grains.Queue(org.OrgId, queue).GetViewAsync(), v => v!.Waiting == 2, timeoutMs: 10_000, pollMs: 100);
        Assert.Null(await Grains.AgentOfAsync(org.OrgId, older));
        Assert.Empty(await Grains.Agent(org.OrgId, leaving).GetConversationsAsync());

        var arriving = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        await Grains.WaitForAgentAsync(org.OrgId, older, arriving);
        Assert.Null(await Grains.AgentOfAsync(org.OrgId, newer));
    }

    [Fact]
    public async Task Busy_and_away_agents_keep_their_conversations_but_take_no_new_ones()
    {
        var (org, channel, queue) = await SetUpAsync();
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 5, "available");
        var kept = await Grains.OpenConversationAsync(org.OrgId, channel);
        await Grains.WaitForAgentAsync(org.OrgId, kept, agent);

        await org.Http.SetPresenceAsync(agent, "away");
        var waiting = await Grains.OpenConversationAsync(org.OrgId, channel);
        Assert.Equal(1, (await Grains.Queue(org.OrgId, queue).GetViewAsync())!.Waiting);

        await org.Http.SetPresenceAsync(agent, "available");
        await Grains.WaitForAgentAsync(org.OrgId, waiting, agent);
        Assert.Equal(agent, await Grains.AgentOfAsync(org.OrgId, kept));
    }

    [Fact]
    public async Task A_conversation_left_unanswered_past_the_queues_limit_goes_to_another_agent()
    {
        var (org, channel, queue) = await SetUpAsync(unansweredReassignSeconds: 10);
        var silent = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        var conversation = await Grains.OpenConversationAsync(org.OrgId, channel);
        await Grains.WaitForAgentAsync(org.OrgId, conversation, silent);
        var other = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");

        await Grains.WaitForAgentAsync(org.OrgId, conversation, other, timeoutMs: 25_000);
        Assert.Empty(await Grains.Agent(org.OrgId, silent).GetConversationsAsync());
    }

    [Fact]
    public async Task A_deleted_agents_conversations_go_back_to_the_queue()
    {
        var (org, channel, queue) = await SetUpAsync();
        var agent = await org.Http.CreateAgentAsync([queue], capacity: 1, "available");
        var conversation = await Grains.OpenConversationAsync(org.OrgId, channel);
        await Grains.WaitForAgentAsync(org.OrgId, conversation, agent);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/agents/{agent}")).StatusCode);

        Assert.Null(await Grains.AgentOfAsync(org.OrgId, conversation));
        Assert.Equal(1, (await Grains.Queue(org.OrgId, queue).GetViewAsync())!.Waiting);
    }

    private async Task<(OrgClient Org, Guid Channel, Guid Queue)> SetUpAsync(string strategy = "round-robin", int? unansweredReassignSeconds = null)
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var queue = await org.Http.CreateQueueAsync([channel], strategy, unansweredReassignSeconds);
        return (org, channel, queue);
    }
}
