using Microsoft.Extensions.Configuration;
using Outbound.Grains.Providers;

namespace Outbound.Grains.Sending;

/// <summary>
/// The time bounds delivery relies on, all derived from the provider attempt timeout so they stay consistent:
/// a sender round starts requests for at most <see cref="RoundBudget"/>, each request lasts at most the attempt
/// timeout (three attempts for ACS), so every call a round started is over <see cref="SettleAfter"/> after the
/// round began: only then is an unknown outcome looked up or a message sent again.
/// </summary>
/// <param name="AttemptTimeout">How long one provider request may take (<see cref="ProviderSettings.AttemptTimeout"/>).</param>
/// <param name="RetryCap">
/// <c>RETRY_MAX_DELAY_SECONDS</c> (default 300): the longest wait between two attempts of a message. Retries go on
/// until the org's delivery deadline, so this bounds how late a message goes out once its provider is back.
/// </param>
public sealed record DeliveryTiming(TimeSpan AttemptTimeout, TimeSpan RetryCap)
{
    public const string RetryCapKey = "RETRY_MAX_DELAY_SECONDS";

    /// <summary>The wait before a message's next attempt: exponential backoff with jitter up to <see cref="RetryCap"/>.</summary>
    public TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter) => RetryPolicy.Delay(attempts, retryAfter, Random.Shared, RetryCap);

    /// <summary>
    /// The wait before trying a provider that has been down for <paramref name="downFor"/> (its circuit open): what
    /// the breaker asks, and at least half the time it has been down, up to <see cref="RetryCap"/>. Such tries are
    /// not attempts, but each costs its batch a round's writes.
    /// </summary>
    public TimeSpan WaitWhileDown(TimeSpan downFor, TimeSpan? retryAfter)
    {
        var grown = downFor / 2 < RetryCap ? downFor / 2 : RetryCap;
        var asked = retryAfter ?? TimeSpan.FromSeconds(1);
        return asked > grown ? asked : grown;
    }

    /// <summary>How long a sender round keeps starting requests; messages not started by then come back deferred.</summary>
    public TimeSpan RoundBudget => AttemptTimeout * 2;

    /// <summary>From a round's start, the time after which none of its calls can still be running (ACS retries twice).</summary>
    public TimeSpan SettleAfter => RoundBudget + (AttemptTimeout * 3) + TimeSpan.FromSeconds(15);

    /// <summary>How far the provider's clock may differ from ours when a sent message is searched by its creation time.</summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromMinutes(1);

    /// <summary>How long status reports wait for others to share their write; well under any provider's webhook timeout.</summary>
    public static TimeSpan ReportFlushDelay { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A batch with work due and no round for this long is stalled: its watchdog (the delivery reminder) restarts delivery.</summary>
    public static TimeSpan StallAfter { get; } = TimeSpan.FromMinutes(3);

    public static DeliveryTiming From(ProviderSettings settings, IConfiguration configuration) =>
        new(settings.AttemptTimeout, configuration.GetValue<double?>(RetryCapKey) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : RetryPolicy.DefaultCap);
}
