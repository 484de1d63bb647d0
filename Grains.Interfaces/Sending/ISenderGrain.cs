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
}
