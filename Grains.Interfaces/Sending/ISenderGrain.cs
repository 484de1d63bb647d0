using Outbound.Channels;
using Outbound.Providers;

namespace Outbound.Sending;

/// <summary>
/// The pool of provider callers: a stateless worker on every silo, so provider I/O scales with the cluster and
/// never runs inside a grain that other requests wait on. A stateless worker is always activated on its caller's
/// silo, so a batch and the calls it started live and die together.
/// </summary>
public interface ISenderGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Sends <paramref name="messages"/> through <paramref name="channel"/>; one outcome per message, in order.
    /// Answers within a bounded time, well inside this call's timeout: a message that found no free connection to
    /// its provider within the round's budget, or was not started before <paramref name="cancellationToken"/>
    /// fired, comes back <see cref="SendStatus.Deferred"/>; a request under way is bounded by the provider's
    /// attempt timeout.
    /// </summary>
    [ResponseTimeout("00:02:00")]
    Task<ImmutableArray<SendOutcome>> SendAsync(Guid channelId, Channel channel, ImmutableArray<ProviderMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the provider for the status of messages it accepted (by its message id), one result each, in order;
    /// null where the provider cannot say (no lookup API, unknown id, or the lookup failed).
    /// </summary>
    [ResponseTimeout("00:02:00")]
    Task<ImmutableArray<ReportedStatus?>> LookUpAsync(Guid channelId, Channel channel, ImmutableArray<string> providerMessageIds);

    /// <summary>
    /// Looks for messages the provider may have accepted although we never heard (an attempt whose outcome is
    /// unknown), one answer per query, in order. A provider that cannot search answers <see cref="SentMessageSearch.Failed"/>.
    /// </summary>
    [ResponseTimeout("00:02:00")]
    Task<ImmutableArray<SentMessageSearch>> FindSentAsync(Guid channelId, Channel channel, ImmutableArray<SentMessageQuery> queries);
}
