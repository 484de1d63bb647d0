using Outbound.Channels;
using Outbound.Providers;

namespace Outbound.Grains.Providers;

/// <summary>Sends messages through one provider (Twilio or Azure Communication Services).</summary>
/// <remarks>
/// Provider and transport failures come back as a <see cref="SendOutcome"/>, never as an exception: the caller
/// decides about retries from <see cref="SendOutcome.Status"/>. The one exception is cancellation: an
/// <see cref="OperationCanceledException"/> is thrown only when a plain resend of the same message is safe
/// (nothing was sent, or the provider deduplicates the resend). When a cancelled request may already have been
/// processed by a provider without idempotency (Twilio), the result is <see cref="SendStatus.Ambiguous"/> instead.
/// </remarks>
public interface IMessageProvider
{
    /// <summary>The provider this client talks to.</summary>
    ProviderKind Kind { get; }

    /// <summary>Sends one message from <paramref name="channel"/>'s sender with the channel's credentials.</summary>
    Task<SendOutcome> SendAsync(ProviderMessage message, Channel channel, CancellationToken cancellationToken);
}

/// <summary>
/// A provider with a batch API (ACS: up to 100 recipients of one body per request). Providers without one
/// (Twilio) take one request per message, and the sender runs those side by side.
/// </summary>
public interface IBatchMessageProvider : IMessageProvider
{
    /// <summary>Sends several messages from one channel in as few requests as the provider allows; outcomes in input order.</summary>
    Task<IReadOnlyList<SendOutcome>> SendBatchAsync(IReadOnlyList<ProviderMessage> messages, Channel channel, CancellationToken cancellationToken);
}

/// <summary>A provider that can say where a message it accepted is now (Twilio: fetch the Message resource).</summary>
public interface IMessageStatusLookup
{
    /// <summary>The message's status, or null if the provider does not know it or could not be asked.</summary>
    Task<ReportedStatus?> LookUpAsync(string providerMessageId, Channel channel, CancellationToken cancellationToken);
}

/// <summary>
/// A provider that can find a message it accepted from what was sent (Twilio: the Messages list filtered by
/// recipient, sender and date), so an attempt whose outcome is unknown is settled before anything is sent again.
/// </summary>
public interface ISentMessageFinder
{
    /// <summary>
    /// The provider's messages matching <paramref name="query"/>: same recipient, same sender, same content (the
    /// body; for a content template, any), created within its window. Never throws for provider or transport
    /// failures, nor for cancellation: those are <see cref="SentMessageSearch.Completed"/> false.
    /// </summary>
    Task<SentMessageSearch> FindSentAsync(SentMessageQuery query, Channel channel, CancellationToken cancellationToken);
}
