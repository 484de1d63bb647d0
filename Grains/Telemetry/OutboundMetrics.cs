using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Outbound.Channels;
using Outbound.Providers;

namespace Outbound.Grains.Telemetry;

/// <summary>
/// The product's own instruments, on the meter <see cref="MeterName"/>: what became of messages, how the
/// providers answer, quota decisions, the admission backlog, inbound messages and conversations waiting.
/// </summary>
/// <remarks>
/// Tags are bounded sets only (provider, channel type, outcome): an org, a channel or a message id as a tag would
/// make a time series per tenant, which no metrics store keeps for long. Per-org questions go to the traces and the
/// activity search.
/// </remarks>
public sealed class OutboundMetrics
{
    /// <summary>The meter's name; the hosts' OpenTelemetry setup subscribes to it by this name.</summary>
    public const string MeterName = "Outbound";

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _ambiguous;
    private readonly Histogram<double> _providerDuration;
    private readonly Counter<long> _quotaUsed;
    private readonly Counter<long> _quotaRefused;
    private readonly Counter<long> _inbound;

    // Each queue activation on this silo with its line's length; the gauge adds them up.
    private readonly ConcurrentDictionary<GrainId, int> _waitingByQueue = new();

    public OutboundMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("outbound.messages.accepted", "{message}", "Messages accepted for delivery.");
        _sent = meter.CreateCounter<long>("outbound.messages.sent", "{message}", "Messages the provider took.");
        _delivered = meter.CreateCounter<long>("outbound.messages.delivered", "{message}", "Messages the provider reported delivered.");
        _failed = meter.CreateCounter<long>("outbound.messages.failed", "{message}", "Messages that ended failed or undelivered.");
        _ambiguous = meter.CreateCounter<long>("outbound.messages.ambiguous", "{message}",
            "Messages whose outcome could not be settled: resent after an attempt with an unknown outcome, or ended unknown at the deadline.");
        _providerDuration = meter.CreateHistogram<double>("outbound.provider.duration", "s", "Time of one call to a provider to send.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _quotaUsed = meter.CreateCounter<long>("outbound.quota.used", "{request}", "Send requests counted against an org's hourly quota.");
        _quotaRefused = meter.CreateCounter<long>("outbound.quota.refused", "{request}", "Send requests refused by an org's quota (or a disabled org).");
        _inbound = meter.CreateCounter<long>("outbound.inbound.messages", "{message}", "Messages received from customers.");
        meter.CreateObservableGauge("outbound.conversations.waiting", () => (long)_waitingByQueue.Values.Sum(), "{conversation}",
            "Conversations waiting in the queues active on this silo.");
    }

    public void Accepted(ProviderKind provider, ChannelType channel, int messages) => Add(_accepted, messages, provider, channel);

    public void Sent(ProviderKind provider, ChannelType channel) => Add(_sent, 1, provider, channel);

    public void Delivered(ProviderKind provider, ChannelType channel) => Add(_delivered, 1, provider, channel);

    public void Failed(ProviderKind provider, ChannelType channel) => Add(_failed, 1, provider, channel);

    public void Ambiguous(ProviderKind provider, ChannelType channel) => Add(_ambiguous, 1, provider, channel);

    /// <summary>One provider call that took <paramref name="elapsed"/> and answered <paramref name="outcome"/> (for a batch call, its first message's).</summary>
    public void ProviderCall(ProviderKind provider, SendStatus outcome, TimeSpan elapsed) =>
        _providerDuration.Record(elapsed.TotalSeconds, new TagList { { "provider", Name(provider) }, { "outcome", Name(outcome) } });

    public void QuotaUsed() => _quotaUsed.Add(1);

    public void QuotaRefused() => _quotaRefused.Add(1);

    public void InboundReceived(ProviderKind provider, ChannelType channel) => Add(_inbound, 1, provider, channel);

    /// <summary>A queue's line on this silo; zero when its activation goes.</summary>
    public void QueueWaiting(GrainId queue, int waiting)
    {
        if (waiting == 0)
        {
            _waitingByQueue.TryRemove(queue, out _);
        }
        else
        {
            _waitingByQueue[queue] = waiting;
        }
    }

    /// <summary>The admission backlog (<c>DeliveryBacklog</c>) as a gauge.</summary>
    public void ObserveBacklog(Func<long> waiting) =>
        _meter.CreateObservableGauge("outbound.delivery.backlog", waiting, "{message}", "Accepted messages on this silo whose first provider attempt is not over.");

    private static void Add(Counter<long> counter, int count, ProviderKind provider, ChannelType channel)
    {
        if (count > 0)
        {
            counter.Add(count, new TagList { { "provider", Name(provider) }, { "channel.type", Name(channel) } });
        }
    }

    // The API's own words for them (twilio, acs, sms, whatsapp), without an allocation per measurement.
    private static string Name(ProviderKind provider) => provider switch
    {
        ProviderKind.Twilio => "twilio",
        ProviderKind.AzureCommunicationServices => "acs",
        _ => "other",
    };

    private static string Name(ChannelType channel) => channel switch
    {
        ChannelType.Sms => "sms",
        ChannelType.WhatsApp => "whatsapp",
        _ => "other",
    };

    private static string Name(SendStatus outcome) => outcome switch
    {
        SendStatus.Accepted => "accepted",
        SendStatus.Retryable => "retryable",
        SendStatus.Permanent => "permanent",
        SendStatus.OptedOut => "opted_out",
        SendStatus.Ambiguous => "ambiguous",
        SendStatus.Deferred => "deferred",
        _ => "other",
    };
}
