using Outbound.Channels;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Providers;

/// <summary>
/// Sends messages through one provider (Twilio, Azure Communication Services, …). Everything delivery must know
/// about a provider is here: what it guarantees (<see cref="Capabilities"/>) and the optional interfaces below
/// (batch sends, finding a sent message, looking up a status, signed status callbacks). The sending code asks
/// these, never which provider it is, so a new provider touches only its own folder.
/// </summary>
/// <remarks>
/// Provider and transport failures come back as a <see cref="SendOutcome"/>, never as an exception: the caller
/// decides about retries from <see cref="SendOutcome.Status"/>. The one exception is cancellation: an
/// <see cref="OperationCanceledException"/> is thrown only when nothing was sent. When a cancelled request may
/// already have been processed, the result is <see cref="SendStatus.Ambiguous"/> instead.
/// </remarks>
public interface IMessageProvider
{
    /// <summary>The provider this client talks to.</summary>
    ProviderKind Kind { get; }

    /// <summary>What the provider guarantees.</summary>
    ProviderCapabilities Capabilities { get; }

    /// <summary>Sends one message from <paramref name="channel"/>'s sender with the channel's credentials.</summary>
    Task<SendOutcome> SendAsync(ProviderMessage message, Channel channel, CancellationToken cancellationToken);
}

/// <summary>What a provider guarantees; delivery's decisions follow from it.</summary>
/// <param name="IdempotentResend">
/// Sending the same <see cref="ProviderMessage"/> again is deduplicated by the provider (ACS: the stored
/// repeatability id and first-sent time), so an attempt whose outcome is unknown is settled by simply sending it
/// again. Without it, such an attempt is looked up (<see cref="ISentMessageFinder"/>) before anything is resent.
/// </param>
/// <param name="Reports">How the provider reports a message's later statuses.</param>
public sealed record ProviderCapabilities(bool IdempotentResend, StatusReporting Reports);

/// <summary>How a provider's status reports reach us.</summary>
public enum StatusReporting
{
    /// <summary>
    /// A signed callback per message, to a URL the send names (<see cref="ProviderMessage.StatusCallback"/>);
    /// the provider implements <see cref="ISignedStatusCallbacks"/> to check and read it.
    /// </summary>
    SignedCallbackPerMessage,

    /// <summary>
    /// Events on a subscription of the provider's resource, each carrying the send's tag
    /// (<see cref="ProviderMessage.ReportTag"/>), authenticated by the channel's events secret where they arrive.
    /// </summary>
    TaggedEvents,
}

/// <summary>
/// A provider with a batch API (ACS: up to 100 recipients of one body per request). Providers without one
/// (Twilio) take one request per message, and the sender runs those side by side.
/// </summary>
public interface IBatchMessageProvider : IMessageProvider
{
    /// <summary>
    /// Sends several messages from one channel in as few requests as the provider allows; outcomes in input order.
    /// Once <paramref name="stopStarting"/> fires no further request starts (the messages left are
    /// <see cref="SendStatus.Deferred"/>); a request under way is not cut short.
    /// </summary>
    Task<IReadOnlyList<SendOutcome>> SendBatchAsync(IReadOnlyList<ProviderMessage> messages, Channel channel, CancellationToken stopStarting);
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
    /// For each query, in order, the provider's messages matching it: same recipient, same sender, same content
    /// (the body; for a content template, any), created within its window. Queries for one recipient share the
    /// provider's work. Never throws for provider or transport failures, nor for cancellation: those are
    /// <see cref="SentMessageSearch.Completed"/> false.
    /// </summary>
    Task<IReadOnlyList<SentMessageSearch>> FindSentAsync(IReadOnlyList<SentMessageQuery> queries, Channel channel, CancellationToken cancellationToken);
}

/// <summary>A provider whose status reports are signed callbacks (<see cref="StatusReporting.SignedCallbackPerMessage"/>).</summary>
public interface ISignedStatusCallbacks
{
    /// <summary>
    /// The report in a callback, if <paramref name="signature"/> proves <paramref name="channel"/>'s account sent it
    /// to <paramref name="url"/> with <paramref name="form"/>; null if it does not.
    /// </summary>
    StatusReport? Read(Channel channel, string url, IReadOnlyDictionary<string, string> form, string? signature);
}
