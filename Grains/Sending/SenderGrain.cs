using Orleans.Concurrency;
using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// Calls the providers. Stateless and reentrant: each activation overlaps many HTTP calls, and
/// <see cref="ChannelConcurrency"/> bounds the provider requests per channel instead.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class SenderGrain(MessageProviders providers, ChannelConcurrency concurrency) : Grain, ISenderGrain
{
    public async Task<ImmutableArray<SendOutcome>> SendAsync(Guid channelId, Channel channel, ImmutableArray<ProviderMessage> messages)
    {
        var provider = providers.For(channel.Provider);
        if (channel.Provider == ProviderKind.AzureCommunicationServices)
        {
            // ACS takes up to 100 recipients of one body per request: let the client group them.
            return [.. await concurrency.RunAsync(channelId, () => provider.SendBatchAsync(messages, channel, CancellationToken.None))];
        }

        // Twilio has no batch API: one request per message, run side by side up to the channel's cap.
        return [.. await Task.WhenAll(messages.Select(message =>
            concurrency.RunAsync(channelId, () => provider.SendAsync(message, channel, CancellationToken.None))))];
    }
}
