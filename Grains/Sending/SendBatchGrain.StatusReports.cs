using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Grains.Providers.Twilio;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>Provider status reports (callbacks and events) for the batch's messages.</summary>
public sealed partial class SendBatchGrain
{
    private static readonly TimeSpan CallbackFlushDelay = TimeSpan.FromSeconds(2);

    // Reports are applied in memory and stored together: a bulk send's callbacks cost a few writes, not one each.
    private IGrainTimer? _callbackFlush;
    private bool _unflushedCallbacks;

    private static readonly TimeSpan SignatureKeyLifetime = TimeSpan.FromMinutes(1);
    private TwilioSignature? _twilioSignature;
    private DateTimeOffset _twilioSignatureAt;

    public async Task<bool> ApplyTwilioStatusAsync(int index, string url, ImmutableDictionary<string, string> form, string? signature)
    {
        if (!state.RecordExists || !await IsSignedByChannelAsync(url, form, signature))
        {
            return false;
        }

        var message = state.State.Messages.FirstOrDefault(m => m.Index == index);
        if (message is null || !TwilioStatuses.TryParse(form.GetValueOrDefault("MessageStatus"), out var next))
        {
            return true;
        }

        ApplyReportedStatus(message, next, form.GetValueOrDefault("MessageSid"), form.GetValueOrDefault("ErrorCode"),
            $"Twilio reported the message {form.GetValueOrDefault("MessageStatus")}.");
        return true;
    }

    /// <summary>
    /// Checks a Twilio signature with the channel's auth token, kept for a minute so a batch's callbacks do not ask
    /// the configuration each time; a mismatch asks again, so a rotated token is picked up at once.
    /// </summary>
    private async Task<bool> IsSignedByChannelAsync(string url, ImmutableDictionary<string, string> form, string? signature)
    {
        var now = time.GetUtcNow();
        if (_twilioSignature is { } cached && now - _twilioSignatureAt < SignatureKeyLifetime && cached.IsValid(url, form, signature))
        {
            return true;
        }

        var binding = await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(_orgId, state.State.ConfigurationId)).GetBindingAsync();
        if (binding?.Channel.Twilio?.AuthToken is not { } token)
        {
            return false;
        }

        _twilioSignature = new TwilioSignature(token);
        _twilioSignatureAt = now;
        return _twilioSignature.IsValid(url, form, signature);
    }

    public Task<int> ApplyAcsDeliveryReportsAsync(ImmutableArray<AcsDeliveryReport> reports)
    {
        if (!state.RecordExists || state.State.Provider != ProviderKind.AzureCommunicationServices)
        {
            return Task.FromResult(0);
        }

        var matched = 0;
        foreach (var report in reports)
        {
            if (FindAcsMessage(report) is not { } message)
            {
                continue;
            }

            matched++;
            if (TryParseAcsStatus(report.DeliveryStatus, out var next))
            {
                ApplyReportedStatus(message, next, report.MessageId, errorCode: null,
                    report.DeliveryStatusDetails is { Length: > 0 } details ? details : $"ACS reported the message {report.DeliveryStatus}.");
            }
        }

        return Task.FromResult(matched);
    }

    /// <summary>
    /// The message a report is about: the one with its ACS message id; failing that, the only message to its
    /// recipient if that message has no ACS id yet (its send answer was lost, e.g. a crash mid-round).
    /// </summary>
    private OutboundMessage? FindAcsMessage(AcsDeliveryReport report)
    {
        if (report.MessageId is { Length: > 0 } id && state.State.Messages.FirstOrDefault(m => m.ProviderMessageId == id) is { } byId)
        {
            return byId;
        }

        var byRecipient = state.State.Messages.Where(m => m.Message.To == report.To).Take(2).ToList();
        return byRecipient is [{ ProviderMessageId: null } only] ? only : null;
    }

    /// <summary>
    /// Applies a status a provider reported for <paramref name="message"/>, if the status machine allows it, and
    /// schedules a coalesced write. <paramref name="failureText"/> is kept only for a failure.
    /// </summary>
    private void ApplyReportedStatus(OutboundMessage message, MessageStatus next, string? providerMessageId, string? errorCode, string failureText)
    {
        if (message.Status is MessageStatus.Accepted or MessageStatus.Sending && next >= MessageStatus.Sent)
        {
            // The provider has the message although we never heard back (an ambiguous attempt): no resend.
            message.ProviderMessageId ??= providerMessageId;
            message.NextAttemptAt = null;
        }

        if (!MessageStatusRules.CanMove(message.Status, next))
        {
            return;
        }

        message.MoveTo(next, time.GetUtcNow(), errorCode);
        if (next is MessageStatus.Failed or MessageStatus.Undelivered)
        {
            message.ErrorCode = errorCode;
            message.ErrorMessage = failureText;
        }

        _unflushedCallbacks = true;
        _callbackFlush ??= this.RegisterGrainTimer(FlushCallbacksAsync, new GrainTimerCreationOptions { DueTime = CallbackFlushDelay, Period = Timeout.InfiniteTimeSpan });
    }

    private async Task FlushOnDeactivationAsync(CancellationToken cancellationToken)
    {
        // Best effort; a lost callback status is recovered by reconciliation with the provider.
        if (_unflushedCallbacks)
        {
            await WriteProgressAsync(cancellationToken);
        }
    }

    private async Task FlushCallbacksAsync(CancellationToken cancellationToken)
    {
        _callbackFlush?.Dispose();
        _callbackFlush = null;
        if (_unflushedCallbacks)
        {
            _unflushedCallbacks = false;
            await WriteProgressAsync(cancellationToken);
            await UpdateSummaryAsync();
        }
    }

    /// <summary>ACS's documented delivery statuses (case-insensitive) in ours; any other changes nothing.</summary>
    private static bool TryParseAcsStatus(string? status, out MessageStatus parsed)
    {
        parsed = status?.ToUpperInvariant() switch
        {
            "DELIVERED" => MessageStatus.Delivered,
            "FAILED" => MessageStatus.Failed,
            _ => MessageStatus.Accepted,
        };
        return parsed != MessageStatus.Accepted;
    }
}
