using Microsoft.Extensions.DependencyInjection;
using Outbound.Routing;

namespace Outbound.Tests.Routing;

/// <summary>A cluster of two silos: arrivals through either one are decided by their queue alone.</summary>
public sealed class TwoSilos : OutboundSystem, IAsyncLifetime
{
    public IServiceProvider SecondSilo { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        SecondSilo = await StartAnotherSiloAsync();
    }
}

[Trait("Category", "Integration")]
public sealed class TwoSiloAssignmentTests(TwoSilos system) : IClassFixture<TwoSilos>
{
    private const int Agents = 6;
    private const int Capacity = 3;
    private const int Arrivals = 300;

    [Fact]
    public async Task Concurrent_arrivals_on_two_silos_assign_no_conversation_twice_and_no_agent_over_capacity()
    {
        var management = system.Grains.GetGrain<IManagementGrain>(0);
        await Eventually.ReturnsAsync(async () => (await management.GetHosts(onlyActive: true)).Count, n => n == 2, timeoutMs: 30_000, pollMs: 200);
        var org = await system.CreateOrgAsync();
        // Two queues that share every agent: only the agent's own grain sees all of their load.
        var channels = new[] { await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel()), await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel("+14155550101")) };
        var queues = new[] { await org.Http.CreateQueueAsync([channels[0]], "least-active"), await org.Http.CreateQueueAsync([channels[1]], "round-robin") };
        var agents = new List<Guid>();
        for (var i = 0; i < Agents; i++)
        {
            agents.Add(await org.Http.CreateAgentAsync(queues, Capacity, "available"));
        }

        var silos = new[] { system.SiloServices.GetRequiredService<IGrainFactory>(), system.SecondSilo.GetRequiredService<IGrainFactory>() };
        var conversations = await Task.WhenAll(Enumerable.Range(0, Arrivals).Select(i => Task.Run(() => silos[i % 2].OpenConversationAsync(org.OrgId, channels[i / 2 % 2]))));

        const int slots = Agents * Capacity;
        await Eventually.ReturnsAsync(() => WaitingAsync(org, queues), w => w == Arrivals - slots, timeoutMs: 60_000, pollMs: 250);

        // The queue hands a ticket out before the conversation has stored its agent: wait for the records to agree.
        var holders = await Eventually.ReturnsAsync(
            () => Task.WhenAll(conversations.Select(c => system.Grains.AgentOfAsync(org.OrgId, c))),
            h => h.Count(agent => agent is not null) >= slots, timeoutMs: 30_000, pollMs: 250);
        Assert.Equal(slots, holders.Count(h => h is not null));
        var held = await Task.WhenAll(agents.Select(a => system.Grains.Agent(org.OrgId, a).GetConversationsAsync()));
        Assert.All(held, h => Assert.True(h.Length <= Capacity, $"An agent holds {h.Length} conversations, over their capacity of {Capacity}."));
        var heldIds = held.SelectMany(h => h.Select(c => c.ConversationId)).ToList();
        Assert.Equal(heldIds.Count, heldIds.Distinct().Count());
        Assert.Equal(slots, heldIds.Count);
        // Every conversation's own record agrees with its agent's.
        for (var i = 0; i < conversations.Length; i++)
        {
            if (holders[i] is { } agent)
            {
                Assert.Contains(conversations[i], held[agents.IndexOf(agent)].Select(c => c.ConversationId));
            }
        }

        // Then everything at once, through both silos: every held conversation leaves its agent, more arrive, and
        // agents flip to busy and back.
        var released = heldIds.ToHashSet();
        var more = Enumerable.Range(0, 100).Select(i => Task.Run(() => silos[i % 2].OpenConversationAsync(org.OrgId, channels[i / 2 % 2]))).ToArray();
        var releases = held.SelectMany(h => h).Select((c, i) => Task.Run(() => silos[i % 2].Queue(org.OrgId, c.QueueId).ReleaseAsync(c.ConversationId)));
        var flips = agents.Select(a => Task.Run(async () =>
        {
            await silos[0].Agent(org.OrgId, a).SetPresenceAsync(AgentPresence.Busy);
            await silos[1].Agent(org.OrgId, a).SetPresenceAsync(AgentPresence.Available);
        }));
        await Task.WhenAll([.. more, .. releases, .. flips]);

        await Eventually.ReturnsAsync(() => WaitingAsync(org, queues), w => w == Arrivals + 100 - 2 * slots, timeoutMs: 60_000, pollMs: 250);
        held = await Task.WhenAll(agents.Select(a => system.Grains.Agent(org.OrgId, a).GetConversationsAsync()));
        Assert.All(held, h => Assert.True(h.Length <= Capacity, $"An agent holds {h.Length} conversations, over their capacity of {Capacity}."));
        var nowHeld = held.SelectMany(h => h.Select(c => c.ConversationId)).ToList();
        Assert.Equal(slots, nowHeld.Distinct().Count());
        Assert.Equal(slots, nowHeld.Count);
        Assert.DoesNotContain(nowHeld, released.Contains);
    }

    private async Task<int> WaitingAsync(OrgClient org, Guid[] queues) =>
        (await Task.WhenAll(queues.Select(q => system.Grains.Queue(org.OrgId, q).GetViewAsync()))).Sum(v => v!.Waiting);
}
