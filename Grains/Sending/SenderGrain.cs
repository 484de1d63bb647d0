using Orleans.Concurrency;
using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Grains.Telemetry;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// Calls the providers. Stateless and reentrant: each activation overlaps many HTTP calls, and
/// <see cref="ChannelConcurrency"/> bounds the provider requests per channel instead. Every call answers within
/// <see cref="DeliveryTiming.RoundBudget"/> plus one request's time, so its caller never gives up on calls that
/// still run: a message that could not start in time comes back <see cref="SendStatus.Deferred"/>.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class SenderGrain(MessageProviders providers, ChannelConcurrency concurrency, DeliveryTiming timing, TimeProvider time, OutboundMetrics metrics)
    : Grain, ISenderGrain
{
    private static readonly SendOutcome NotStarted = SendOutcome.Deferred(
        SendOutcome.QueuedCode, "No connection to the provider was free within the round's time; nothing was sent.", TimeSpan.FromSeconds(1));

    public async Task<ImmutableArray<SendOutcome>> SendAsync(Guid channelId, Channel channel, ImmutableArray<ProviderMessage> messages, CancellationToken cancellationToken)
    {
        using var roundTime = new CancellationTokenSource(timing.RoundBudget, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, roundTime.Token);
        var provider = providers.For(channel.Provider);
        if (provider is IBatchMessageProvider batches)
        {
            // A batch API groups the messages into few requests itself, and stops starting them when the budget ends.
            return [.. await concurrency.RunAsync(
                channelId,
                () => Timed(channel.Provider, () => batches.SendBatchAsync(messages, channel, budget.Token), o => o.Count > 0 ? o[0] : NotStarted),
                [.. messages.Select(_ => NotStarted)],
                budget.Token)];
        }

        // One request per message, side by side up to the channel's cap. A request under way is not cancelled:
        // cutting a Twilio create short would only make its outcome unknown.
        return [.. await Task.WhenAll(messages.Select(message =>
            concurrency.RunAsync(channelId, () => Timed(channel.Provider, () => provider.SendAsync(message, channel, CancellationToken.None), o => o), NotStarted, budget.Token)))];
    }

    /// <summary>A provider call, timed from when it got its connection slot (a wait for one is not the provider's time).</summary>
    private async Task<T> Timed<T>(ProviderKind provider, Func<Task<T>> call, Func<T, SendOutcome> outcome)
    {
        var started = time.GetTimestamp();
        var result = await call();
        metrics.ProviderCall(provider, outcome(result).Status, time.GetElapsedTime(started));
        return result;
    }

    public async Task<ImmutableArray<ReportedStatus?>> LookUpAsync(Guid channelId, Channel channel, ImmutableArray<string> providerMessageIds)
    {
        if (providers.For(channel.Provider) is not IMessageStatusLookup lookup)
        {
            return [.. providerMessageIds.Select(_ => (ReportedStatus?)null)];
        }

        using var budget = new CancellationTokenSource(timing.RoundBudget, time);
        return [.. await Task.WhenAll(providerMessageIds.Select(id => id.Length == 0
            ? Task.FromResult<ReportedStatus?>(null)
            : concurrency.RunAsync(channelId, () => lookup.LookUpAsync(id, channel, CancellationToken.None), null, budget.Token)))];
    }

    public async Task<ImmutableArray<SentMessageSearch>> FindSentAsync(Guid channelId, Channel channel, ImmutableArray<SentMessageQuery> queries)
    {
        if (providers.For(channel.Provider) is not ISentMessageFinder finder)
        {
            return [.. queries.Select(_ => SentMessageSearch.Failed)];
        }

        // One connection: the provider scans its list once per recipient for all the queries.
        using var budget = new CancellationTokenSource(timing.RoundBudget, time);
        return [.. await concurrency.RunAsync(
            channelId, () => finder.FindSentAsync(queries, channel, CancellationToken.None), [.. queries.Select(_ => SentMessageSearch.Failed)], budget.Token)];
    }
}
