using Outbound.Configurations;
using Outbound.Grains.Providers;
using Outbound.Grains.Telemetry;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// Provider status reports (signed callbacks and authenticated events) for the batch's messages. These calls
/// interleave with delivery; each is acknowledged only once its status is stored, and reports arriving together
/// share one write.
/// </summary>
public sealed partial class SendBatchGrain
{
    private static readonly TimeSpan BindingLifetime = TimeSpan.FromMinutes(1);

    // The configuration's channels, kept for a minute so a batch's callbacks do not each ask the configuration.
    private BatchChannels? _reportBinding;
    private DateTimeOffset _reportBindingAt;

    public async Task<bool> ApplyStatusCallbackAsync(int index, string url, ImmutableDictionary<string, string> form, string? signature)
    {
        if (!state.RecordExists)
        {
            return false;
        }

        var message = state.State.Messages.FirstOrDefault(m => m.Index == index);
        // The callback is a request of its own: its span joins the send's trace, linked to that request.
        using var span = OutboundTracing.StartUnder("outbound.status_report", state.State.TraceParent, _batchId, linkCurrent: true);
        // A mismatch is checked again with fresh credentials: a rotated auth token is picked up at once.
        var report = await ReadCallbackAsync(message, url, form, signature, fresh: false)
            ?? await ReadCallbackAsync(message, url, form, signature, fresh: true);
        if (report is null)
        {
            return false;
        }

        if (message is not null)
        {
            await StoreReportsAsync(ApplyReportedStatus(message, report.Status, report.ProviderMessageId, report.ErrorCode, report.Details));
        }

        return true;
    }

    /// <summary>The callback's report if the provider that carried the message vouches for it; null if not.</summary>
    private async Task<StatusReport?> ReadCallbackAsync(
        OutboundMessage? message, string url, ImmutableDictionary<string, string> form, string? signature, bool fresh)
    {
        var now = time.GetUtcNow();
        if (fresh || _reportBinding is null || now - _reportBindingAt >= BindingLifetime)
        {
            _reportBinding = await ChannelsAsync();
            _reportBindingAt = now;
        }

        // A callback about no message of ours is still checked against the configuration's own channel.
        var carrier = _reportBinding is null ? null : message is null ? PrimaryRoute(_reportBinding) : CarrierOf(message, _reportBinding);
        return carrier?.Provider is ISignedStatusCallbacks callbacks ? callbacks.Read(carrier.Channel, url, form, signature) : null;
    }

    public async Task<int> ApplyStatusReportsAsync(ImmutableArray<StatusReport> reports)
    {
        if (!state.RecordExists)
        {
            return 0;
        }

        using var span = OutboundTracing.StartUnder("outbound.status_report", state.State.TraceParent, _batchId, linkCurrent: true);
        var matched = 0;
        var changed = false;
        foreach (var report in reports)
        {
            if (FindMessage(report) is not { } message)
            {
                continue;
            }

            matched++;
            changed |= ApplyReportedStatus(message, report.Status, report.ProviderMessageId, report.ErrorCode, report.Details);
        }

        if (matched > 0)
        {
            await StoreReportsAsync(changed);
        }

        return matched;
    }

    /// <summary>
    /// The message a report is about: the one with its provider message id; failing that, the only message to its
    /// recipient if that message has no provider id yet (its send answer was lost, e.g. a crash mid-round).
    /// </summary>
    private OutboundMessage? FindMessage(StatusReport report)
    {
        if (report.ProviderMessageId is { Length: > 0 } id && state.State.Messages.FirstOrDefault(m => m.ProviderMessageId == id) is { } byId)
        {
            return byId;
        }

        var byRecipient = state.State.Messages.Where(m => m.Message.To == report.To).Take(2).ToList();
        return byRecipient is [{ ProviderMessageId: null } only] ? only : null;
    }

    /// <summary>
    /// Applies a status a provider reported for <paramref name="message"/>, if the status machine allows it.
    /// <paramref name="failureText"/> is kept only for a failure. True if anything changed.
    /// </summary>
    private bool ApplyReportedStatus(OutboundMessage message, MessageStatus next, string? providerMessageId, string? errorCode, string? failureText)
    {
        var changed = false;
        if (message.Status is MessageStatus.Accepted or MessageStatus.Sending && next >= MessageStatus.Sent)
        {
            // The provider has the message although we never heard back (an attempt with an unknown outcome): settled, no resend.
            message.ProviderMessageId ??= providerMessageId;
            message.NextAttemptAt = null;
            message.UnknownSince = null;
            changed = true;
        }

        if (!MessageStatusRules.CanMove(message.Status, next))
        {
            return changed;
        }

        // A report's text comes from whoever holds the channel's callback secret: stored within bounds.
        errorCode = ErrorTexts.BoundCode(errorCode);
        // WhatsApp may report read without delivered first: the message reached the customer all the same.
        var delivered = next == MessageStatus.Delivered || (next == MessageStatus.Read && message.Status != MessageStatus.Delivered);
        message.MoveTo(next, time.GetUtcNow(), errorCode);
        if (delivered)
        {
            metrics.Delivered(ProviderOf(message), state.State.ChannelType);
        }

        if (next is MessageStatus.Failed or MessageStatus.Undelivered)
        {
            metrics.Failed(ProviderOf(message), state.State.ChannelType);
            message.ErrorCode = errorCode;
            message.ErrorMessage = ErrorTexts.Bound(failureText);
        }

        return true;
    }

    /// <summary>
    /// Returns once the reports are stored: a write shared with the reports that arrive meanwhile, then the
    /// request's counts. A report that <paramref name="changed"/> nothing still waits for the write of the same
    /// news (an earlier copy of it, or a write that failed), so nothing is acknowledged before it is durable.
    /// </summary>
    private async Task StoreReportsAsync(bool changed)
    {
        if (!changed && !_progressDirty)
        {
            await _progressWriter.WhenWrittenAsync();
            return;
        }

        _progressDirty = true;
        await WriteProgressAsync(DeliveryTiming.ReportFlushDelay);
        await UpdateSummaryAsync();
    }
}
