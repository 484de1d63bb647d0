namespace Outbound.Providers;

/// <summary>What a send attempt means for the message.</summary>
/// <remarks>Stored as a number: never renumber a member.</remarks>
public enum SendStatus
{
    /// <summary>The provider took the message; <see cref="SendOutcome.ProviderMessageId"/> identifies it in callbacks.</summary>
    Accepted = 0,

    /// <summary>
    /// Not sent, or safe to send again: resend later (after <see cref="SendOutcome.RetryAfter"/> when given). For ACS a
    /// resend must carry the same repeatability values.
    /// </summary>
    Retryable = 1,

    /// <summary>Rejected for good (bad number, bad sender, bad credentials…): resending the same message cannot succeed.</summary>
    Permanent = 2,

    /// <summary>The recipient has opted out of this sender (Twilio 21610); do not send until they opt in again.</summary>
    OptedOut = 3,

    /// <summary>
    /// The outcome is unknown: the request may or may not have been processed (a timeout or a broken connection
    /// after it was sent, a 5xx from an API without idempotency). Whether it may simply be sent again depends on
    /// the provider (<c>ProviderCapabilities.IdempotentResend</c>); otherwise it is looked up first.
    /// </summary>
    Ambiguous = 4,

    /// <summary>
    /// Not attempted: nothing left for the provider (its circuit is open, no connection to it was free within the
    /// round's time, or the round was cancelled first). Not an attempt; try again after
    /// <see cref="SendOutcome.RetryAfter"/>. <see cref="SendOutcome.ChannelDownCode"/> says the provider is down.
    /// </summary>
    Deferred = 5,
}

/// <summary>The result of sending one message.</summary>
/// <param name="ProviderMessageId">Twilio: the Message SID (<c>SM…</c>); ACS: the <c>messageId</c>. Set when accepted.</param>
/// <param name="ErrorCode">The provider's code: a Twilio error code (<c>21211</c>), an HTTP status for ACS (<c>400</c>), or a transport reason.</param>
/// <param name="ErrorMessage">The provider's message, safe to store and show: it never contains credentials.</param>
/// <param name="RetryAfter">How long the provider asked us to wait (a <c>Retry-After</c> header), when it said.</param>
[GenerateSerializer, Immutable, Alias("Outbound.SendOutcome")]
public sealed record SendOutcome(
    [property: Id(0)] SendStatus Status,
    [property: Id(1)] string? ProviderMessageId,
    [property: Id(2)] string? ErrorCode,
    [property: Id(3)] string? ErrorMessage,
    [property: Id(4)] TimeSpan? RetryAfter)
{
    /// <summary>The <see cref="ErrorCode"/> of a <see cref="SendStatus.Deferred"/> send whose provider is down (its circuit breaker is open).</summary>
    public const string ChannelDownCode = "circuit-open";

    /// <summary>The <see cref="ErrorCode"/> of a <see cref="SendStatus.Deferred"/> send that found no free connection to its provider in time.</summary>
    public const string QueuedCode = "queued";

    public static SendOutcome Accepted(string? providerMessageId) => new(SendStatus.Accepted, providerMessageId, null, null, null);

    public static SendOutcome Failed(SendStatus status, string? errorCode, string? errorMessage, TimeSpan? retryAfter = null) =>
        new(status, null, errorCode, errorMessage, retryAfter);

    /// <summary>Not attempted, see <see cref="SendStatus.Deferred"/>.</summary>
    public static SendOutcome Deferred(string code, string reason, TimeSpan? retryAfter = null) =>
        new(SendStatus.Deferred, null, code, reason, retryAfter);
}
