using Outbound.Channels;
using Outbound.Providers;

namespace Outbound.Sending;

/// <summary>
/// The pool of provider callers: a stateless worker on every silo, so provider I/O scales with the cluster and
/// never runs inside a grain that other requests wait on.
/// </summary>
public interface ISenderGrain : IGrainWithIntegerKey
{
    /// <summary>Sends <paramref name="messages"/> through <paramref name="channel"/>; one outcome per message, in order.</summary>
    Task<ImmutableArray<SendOutcome>> SendAsync(Guid channelId, Channel channel, ImmutableArray<ProviderMessage> messages);

    /// <summary>
    /// Asks the provider for the status of messages it accepted (by its message id), one result each, in order;
    /// null where the provider cannot say (no lookup API, unknown id, or the lookup failed).
    /// </summary>
    Task<ImmutableArray<ReportedStatus?>> LookUpAsync(Guid channelId, Channel channel, ImmutableArray<string> providerMessageIds);
}
