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
}

/// <summary>An outbound message as <c>GET /v1/messages/{messageId}</c> shows it.</summary>
/// <param name="Ambiguous">An attempt may have reached the provider without us learning the outcome; a resend may duplicate it.</param>
[GenerateSerializer, Immutable, Alias("Outbound.MessageView")]
public sealed record MessageView(
    [property: Id(0)] string MessageId,
    [property: Id(1)] Guid ConfigurationId,
    [property: Id(2)] string To,
    [property: Id(3)] MessageStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string Provider,
    [property: Id(6)] string? ProviderMessageId,
    [property: Id(7)] string? ErrorCode,
    [property: Id(8)] string? ErrorMessage,
    [property: Id(9)] bool Ambiguous,
    [property: Id(10)] DateTimeOffset AcceptedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt);
