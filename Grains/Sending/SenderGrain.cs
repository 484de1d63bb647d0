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
        if (provider is IBatchMessageProvider batches)
        {
            // A batch API groups the messages into few requests itself.
            return [.. await concurrency.RunAsync(channelId, () => batches.SendBatchAsync(messages, channel, CancellationToken.None))];
        }

        // One request per message: run them side by side up to the channel's cap.
        return [.. await Task.WhenAll(messages.Select(message =>
            concurrency.RunAsync(channelId, () => provider.SendAsync(message, channel, CancellationToken.None))))];
    }

    public async Task<ImmutableArray<ReportedStatus?>> LookUpAsync(Guid channelId, Channel channel, ImmutableArray<string> providerMessageIds)
    {
        if (providers.For(channel.Provider) is not IMessageStatusLookup lookup)
        {
            return [.. providerMessageIds.Select(_ => (ReportedStatus?)null)];
        }

        return [.. await Task.WhenAll(providerMessageIds.Select(id => id.Length == 0
            ? Task.FromResult<ReportedStatus?>(null)
            : concurrency.RunAsync(channelId, () => lookup.LookUpAsync(id, channel, CancellationToken.None))))];
    }
}
