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
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var queue = await org.Http.CreateQueueAsync([channel], "least-active");
        var agents = new List<Guid>();
        for (var i = 0; i < Agents; i++)
        {
            agents.Add(await org.Http.CreateAgentAsync([queue], Capacity, "available"));
        }

        var silos = new[] { system.SiloServices.GetRequiredService<IGrainFactory>(), system.SecondSilo.GetRequiredService<IGrainFactory>() };
        var conversations = await Task.WhenAll(Enumerable.Range(0, Arrivals).Select(i => Task.Run(() => silos[i % 2].OpenConversationAsync(org.OrgId, channel))));

        const int slots = Agents * Capacity;
        await Eventually.ReturnsAsync(() => system.Grains.Queue(org.OrgId, queue).GetViewAsync(), v => v!.Waiting == Arrivals - slots, timeoutMs: 60_000, pollMs: 250,
            describe: v => $"{v!.Waiting} waiting");

        var holders = await Task.WhenAll(conversations.Select(c => system.Grains.AgentOfAsync(org.OrgId, c)));
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
    }
}
