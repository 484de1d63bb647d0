using Outbound.Grains.Providers;

namespace Outbound.Grains.Sending;

/// <summary>
/// The time bounds delivery relies on, all derived from the provider attempt timeout so they stay consistent:
/// a sender round starts requests for at most <see cref="RoundBudget"/>, each request lasts at most the attempt
/// timeout (three attempts for ACS), so every call a round started is over <see cref="SettleAfter"/> after the
/// round began: only then is an unknown outcome looked up or a message sent again.
/// </summary>
public sealed record DeliveryTiming(TimeSpan AttemptTimeout)
{
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

    public static DeliveryTiming From(ProviderSettings settings) => new(settings.AttemptTimeout);
}
