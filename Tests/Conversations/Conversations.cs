using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Contacts;
using Outbound.Conversations;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Conversations;

/// <summary>Conversations as a customer's messages open them, for tests of what agents and admins do with them.</summary>
public static class Conversations
{
    private static int _sequence;

    /// <summary>A message from <paramref name="customer"/> on <paramref name="channelId"/>, received at <paramref name="at"/> (now by default).</summary>
    public static InboundMessage Message(Guid channelId, string customer, string text, ChannelType type = ChannelType.Sms, DateTimeOffset? at = null) => new(
        $"SM{Guid.NewGuid():N}", channelId, type, ProviderKind.Twilio, customer, "+14155550100", text, null, at ?? DateTimeOffset.UtcNow);

    /// <summary>A fresh customer number per call, so tests on the shared system never meet.</summary>
    public static string NewCustomer() => $"+1415557{Interlocked.Increment(ref _sequence) % 10_000:D4}";

    /// <summary>Opens a conversation as the customer's contact grain does for a first message, and returns its id.</summary>
    public static async Task<Guid> OpenAsync(
        this OutboundSystem system, Guid orgId, InboundMessage message, LinkedOutbound? answers = null)
    {
        var id = Guid.CreateVersion7();
        var result = await system.Grains.GetGrain<IConversationGrain>(ConversationKeys.Conversation(orgId, id))
            .ReceiveAsync(message, new ConversationOpening(message.From, message.ChannelId, message.ChannelType, answers));
        Assert.Equal(ReceiveResult.Stored, result);
        return id;
    }
}
