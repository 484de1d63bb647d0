using Orleans.Concurrency;
using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// Calls the providers. Stateless and reentrant: each activation overlaps many HTTP calls, and
/// <see cref="ChannelConcurrency"/> bounds them per channel instead.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class SenderGrain(MessageProviders providers, ChannelConcurrency concurrency) : Grain, ISenderGrain
{
    public async Task<ImmutableArray<SendOutcome>> SendAsync(Guid channelId, Channel channel, ImmutableArray<ProviderMessage> messages)
    {
        var provider = providers.For(channel.Provider);
        var outcomes = await concurrency.RunAsync(channelId, () => provider.SendBatchAsync(messages, channel, CancellationToken.None));
        return [.. outcomes];
    }
}
