using Outbound.Catalog;
using Outbound.Channels;

namespace Outbound.Sending;

/// <summary>Where an outbound message is. Stored as a number: never renumber.</summary>
public enum MessageStatus
{
    Accepted = 0,
    Sending = 1,
    Sent = 2,
    Failed = 3,
    Delivered = 4,
    Undelivered = 5,
    Read = 6,

    /// <summary>No final status came from the provider in time and it could not tell us either (reconciliation).</summary>
    Unknown = 7,

    /// <summary>An inbound message: the customer's, received from the provider (never an outbound message's status).</summary>
    Received = 8,

    /// <summary>
    /// Accepted during quiet hours: held until they end (<see cref="MessageView.NotBefore"/>), then sent as usual.
    /// Not final.
    /// </summary>
    Scheduled = 9,
}

/// <summary>An outbound message as <c>GET /v1/messages/{messageId}</c> shows it.</summary>
/// <param name="Ambiguous">
/// The message was sent again while an earlier attempt's outcome was unknown and the provider could not settle it:
/// the customer may have received it twice.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.MessageView")]
public sealed record MessageView(
    [property: Id(0)] string MessageId,
    [property: Id(1)] Guid ConfigurationId,
    [property: Id(2)] string To,
    [property: Id(3)] MessageStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] ProviderKind Provider,
    [property: Id(6)] string? ProviderMessageId,
    [property: Id(7)] string? ErrorCode,
    [property: Id(8)] string? ErrorMessage,
    [property: Id(9)] bool Ambiguous,
    [property: Id(10)] DateTimeOffset AcceptedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] ImmutableArray<StatusChange> History)
{
    /// <summary>What was sent and why: the activity record's content (null only for messages stored before it existed).</summary>
    [Id(13)] public MessageActivity? Activity { get; init; }

    /// <summary>Outbound (sent by the org), or inbound (a customer's message in a conversation, on the timeline).</summary>
    [Id(14)] public MessageDirection Direction { get; init; }

    /// <summary>The conversation the message belongs to: an inbound message, or an agent's reply.</summary>
    [Id(15)] public Guid? ConversationId { get; init; }

    /// <summary>Why an outbound message was sent without a configuration (an agent's reply, an auto-reply); null for a configuration's.</summary>
    [Id(16)] public DirectPurpose? Purpose { get; init; }

    /// <summary>
    /// Set when the message was accepted during quiet hours: the earliest moment it goes out (the end of quiet
    /// hours in every time zone of the recipient); null when it was free to go at once.
    /// </summary>
    [Id(17)] public DateTimeOffset? NotBefore { get; init; }
}

public enum MessageDirection
{
    Outbound = 0,
    Inbound = 1,
}

/// <summary>
/// The activity record's content beyond the status: which template, locale and channel produced the message,
/// what it said and what it is regarding.
/// </summary>
/// <param name="Body">SMS: the rendered text.</param>
/// <param name="ChannelId">The channel that carried the message: the configuration's, or its fallback channel.</param>
/// <param name="ContentSid">WhatsApp: the Twilio Content Template SID, with <paramref name="ContentVariables"/>.</param>
/// <param name="RegardingEntity">The seed's <c>entityrelationshipname</c>: what the message is about, for the timeline.</param>
[GenerateSerializer, Immutable, Alias("Outbound.MessageActivity")]
public sealed record MessageActivity(
    [property: Id(0)] Guid TemplateId,
    [property: Id(1)] Guid ChannelId,
    [property: Id(2)] ChannelType ChannelType,
    [property: Id(3)] string Locale,
    [property: Id(4)] string? RegardingEntity,
    [property: Id(5)] string? Body,
    [property: Id(6)] string? ContentSid,
    [property: Id(7)] ImmutableDictionary<string, string>? ContentVariables,
    [property: Id(8)] bool ShowInTimeline)
{
    /// <summary>The configuration's fallback channel carried the message (<see cref="ChannelId"/> is that channel): its own was down.</summary>
    [Id(9)] public bool ViaFallback { get; init; }
}

/// <summary>One step of a message's status history.</summary>
/// <param name="ErrorCode">The provider's code, when the step is a failure (for example 30003).</param>
[GenerateSerializer, Immutable, Alias("Outbound.StatusChange")]
public sealed record StatusChange(
    [property: Id(0)] MessageStatus Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? ErrorCode);

/// <summary>The one status machine for every provider: statuses only move forward, and final ones stay.</summary>
public static class MessageStatusRules
{
    /// <summary>Whether a message in <paramref name="current"/> may move to <paramref name="next"/>.</summary>
    public static bool CanMove(MessageStatus current, MessageStatus next) => current switch
    {
        MessageStatus.Failed or MessageStatus.Undelivered or MessageStatus.Read => false,
        // Delivered is final for SMS; a WhatsApp message may still be read.
        MessageStatus.Delivered => next == MessageStatus.Read,
        // Unknown is our guess, not the provider's word: a late report from the provider still settles it.
        MessageStatus.Unknown => next is MessageStatus.Delivered or MessageStatus.Undelivered or MessageStatus.Failed or MessageStatus.Read,
        _ => Rank(next) > Rank(current),
    };

    /// <summary>Whether nothing more is expected for a message in <paramref name="status"/> (a WhatsApp delivery may still be read).</summary>
    public static bool IsFinal(MessageStatus status) =>
        status is MessageStatus.Delivered or MessageStatus.Undelivered or MessageStatus.Failed or MessageStatus.Read or MessageStatus.Unknown;

    private static int Rank(MessageStatus status) => status switch
    {
        MessageStatus.Accepted or MessageStatus.Scheduled => 0,
        MessageStatus.Sending => 1,
        MessageStatus.Sent => 2,
        _ => 3,
    };
}
