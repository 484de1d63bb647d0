using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outbound.Contacts;
using Outbound.Conversations;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Inbound;

/// <summary>Customers' messages as the provider fake's handsets send them, and what became of them.</summary>
public static class Inbound
{
    private static int _next = 100;

    /// <summary>A customer number no other test of the run uses.</summary>
    public static string NewCustomer() => $"+1415556{Interlocked.Increment(ref _next) % 10_000:D4}";

    /// <summary>Creates a channel and returns its id and its inbound webhook URL (null for ACS).</summary>
    public static async Task<(Guid Id, string? WebhookUrl)> CreateChannelAsync(this OrgClient org, object channel)
    {
        var created = await (await org.Http.PostAsJsonAsync("/v1/channels", channel)).Json(HttpStatusCode.Created);
        return (created["id"]!.GetValue<Guid>(), created["inboundWebhookUrl"]?.GetValue<string>());
    }

    /// <summary>A handset sends <paramref name="body"/> to a Twilio number: the fake posts the signed webhook; its answer is the app's.</summary>
    public static async Task<InboundAnswer> TextAsync(this OutboundSystem system, string webhookUrl, string from, string to, string body, string? profileName = null)
    {
        var response = await system.Providers.Http.PostAsJsonAsync("/_inbound/twilio", new { webhookUrl, from, to, body, profileName });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboundAnswer>(Api.Web))!;
    }

    /// <summary>A handset sends an SMS to an ACS number: the fake delivers the SMSReceived event to its subscription.</summary>
    public static async Task<InboundAnswer> TextAcsAsync(this OutboundSystem system, string from, string to, string message)
    {
        var response = await system.Providers.Http.PostAsJsonAsync("/_inbound/acs", new { from, to, message });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboundAnswer>(Api.Web))!;
    }

    /// <summary>The customer's open conversation on the channel, read from the cluster.</summary>
    public static async Task<ConversationView?> ConversationAsync(this OutboundSystem system, Guid orgId, string customer, Guid channelId)
    {
        var id = await system.Grains.GetGrain<IContactGrain>(ContactKeys.Contact(orgId, customer)).GetOpenConversationAsync(channelId);
        return id is { } conversationId
            ? await system.Grains.GetGrain<IConversationGrain>(ConversationKeys.Conversation(orgId, conversationId)).GetAsync()
            : null;
    }

    public static async Task<JsonElement[]> LedgerToAsync(this OutboundSystem system, string to) =>
        [.. (await system.Providers.LedgerAsync()).Where(e => e.GetProperty("to").GetString()!.EndsWith(to, StringComparison.Ordinal))];
}

/// <summary>What the fake reports of a delivery: the provider message id and the app's answer.</summary>
public sealed record InboundAnswer(string MessageId, int? Status, string Body, string? Error);
