using Outbound.Catalog;
using Outbound.Channels;

namespace Outbound.Conversations;

/// <summary>A message a customer sent to one of the org's channels, as the provider delivered it.</summary>
/// <param name="ProviderMessageId">The provider's id (Twilio <c>MessageSid</c>, ACS <c>messageId</c>): a repeated delivery carries the same one.</param>
/// <param name="ChannelId">The channel whose number (or WhatsApp sender) received it.</param>
/// <param name="From">The customer's number, E.164 (<c>whatsapp:</c> removed).</param>
/// <param name="To">The channel's number, as the provider wrote it.</param>
/// <param name="Text">What the customer wrote (empty for media without a caption).</param>
/// <param name="ProfileName">WhatsApp: the customer's profile name.</param>
[GenerateSerializer, Immutable, Alias("Outbound.InboundMessage")]
public sealed record InboundMessage(
    [property: Id(0)] string ProviderMessageId,
    [property: Id(1)] Guid ChannelId,
    [property: Id(2)] ChannelType ChannelType,
    [property: Id(3)] ProviderKind Provider,
    [property: Id(4)] string From,
    [property: Id(5)] string To,
    [property: Id(6)] string Text,
    [property: Id(7)] string? ProfileName,
    [property: Id(8)] DateTimeOffset ReceivedAt);

/// <summary>What became of an inbound message.</summary>
public enum InboundOutcome
{
    /// <summary>Stored in a conversation (a new one or the customer's open one on that channel).</summary>
    Conversation = 0,

    /// <summary>The same provider message id was stored before: nothing changed.</summary>
    Duplicate = 1,

    /// <summary>An opt-out keyword: the customer is opted out, and no conversation was opened.</summary>
    OptedOut = 2,

    /// <summary>An opt-in keyword: the customer is opted in again.</summary>
    OptedIn = 3,

    /// <summary>A help keyword: the org's help text was sent back.</summary>
    Help = 4,

    /// <summary>The request names no channel of the org, or its signature is not valid: nothing was stored.</summary>
    Refused = 5,
}

/// <param name="ConversationId">With <see cref="InboundOutcome.Conversation"/> (and a duplicate of one): the conversation.</param>
[GenerateSerializer, Immutable, Alias("Outbound.InboundReceipt")]
public sealed record InboundReceipt(
    [property: Id(0)] InboundOutcome Outcome,
    [property: Id(1)] Guid? ConversationId);
