using System.Net;
using System.Net.Http.Json;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Conversations;
using Outbound.Routing;

namespace Outbound.Tests.Routing;

/// <summary>A system whose agents' offline grace is one second, so requeueing can be watched.</summary>
public sealed class RoutingSystem() : OutboundSystem(("AGENT_OFFLINE_GRACE_SECONDS", 1));

/// <summary>Queues, agents and conversations the way the routing tests set them up.</summary>
public static class RoutingApi
{
    public static Task<Guid> CreateQueueAsync(this HttpClient http, Guid[] channels, string strategy = "round-robin", int? unansweredReassignSeconds = null) =>
        http.CreateAsync("/v1/queues", new { name = "Support", channelIds = channels, strategy, unansweredReassignSeconds });

    public static async Task<Guid> CreateAgentAsync(this HttpClient http, Guid[] queues, int capacity, string? presence = null)
    {
        var id = await http.CreateAsync("/v1/agents", new { name = "Agent", queueIds = queues, capacity });
        if (presence is not null)
        {
            await http.SetPresenceAsync(id, presence);
        }

        return id;
    }

    public static async Task SetPresenceAsync(this HttpClient http, Guid agent, string status) =>
        await (await http.PutAsJsonAsync($"/v1/agents/{agent}/presence", new { status })).Json(HttpStatusCode.OK);

    public static async Task<string> CreateAgentKeyAsync(this HttpClient http, Guid agent) =>
        (await (await http.PostAsJsonAsync($"/v1/agents/{agent}/api-keys", new { name = "Desk" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();

    /// <summary>A customer's first message on <paramref name="channel"/>: opens a conversation, which goes to the channel's queue.</summary>
    public static async Task<Guid> OpenConversationAsync(this IGrainFactory grains, Guid org, Guid channel, DateTimeOffset? at = null)
    {
        var id = Guid.NewGuid();
        var customer = $"+1555{Random.Shared.Next(1_000_000, 9_999_999)}";
        var message = new InboundMessage($"SM{Guid.NewGuid():N}", channel, ChannelType.Sms, ProviderKind.Twilio, customer, "+14155550100", "Hello?", null, at ?? DateTimeOffset.UtcNow);
        var result = await grains.GetGrain<IConversationGrain>(ConversationKeys.Conversation(org, id))
            .ReceiveAsync(message, new ConversationOpening(customer, channel, ChannelType.Sms, null));
        Assert.Equal(ReceiveResult.Stored, result);
        return id;
    }

    public static async Task<ConversationView> ConversationAsync(this IGrainFactory grains, Guid org, Guid conversation) =>
        (await grains.GetGrain<IConversationGrain>(ConversationKeys.Conversation(org, conversation)).GetAsync())!;

    public static Task<Guid?> AgentOfAsync(this IGrainFactory grains, Guid org, Guid conversation) =>
        grains.ConversationAsync(org, conversation).ContinueWith(t => t.Result.AgentId, TaskScheduler.Default);

    public static IQueueGrain Queue(this IGrainFactory grains, Guid org, Guid queue) => grains.GetGrain<IQueueGrain>(RoutingKeys.Queue(org, queue));

    public static IAgentGrain Agent(this IGrainFactory grains, Guid org, Guid agent) => grains.GetGrain<IAgentGrain>(RoutingKeys.Agent(org, agent));

    /// <summary>Waits until the conversation is assigned to <paramref name="agent"/> (or, with null, is waiting).</summary>
    public static Task<Guid?> WaitForAgentAsync(this IGrainFactory grains, Guid org, Guid conversation, Guid? agent, int timeoutMs = 10_000) =>
        Eventually.ReturnsAsync(() => grains.AgentOfAsync(org, conversation), a => a == agent, timeoutMs, 50);
}
