using Microsoft.Extensions.Logging;
using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Contacts;
using Outbound.Grains.Contacts;
using Outbound.Grains.Providers;
using Outbound.Grains.Storage;
using Outbound.Grains.Telemetry;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// Delivery: provider rounds of up to <see cref="RoundSize"/> due messages, each recorded as in flight before
/// its requests leave and its outcomes stored after; unknown outcomes settled before any resend; retries with
/// backoff until the org's delivery deadline; the configuration's fallback channel when the channel is down.
/// </summary>
public sealed partial class SendBatchGrain
{
    private const int RoundSize = 100;
    private const string SenderErrorCode = "sender-error";
    private const string ExpiredCode = "expired";

    // After a failure of the loop itself (storage, a lookup), it tries again at least this often.
    private static readonly TimeSpan MaxFailureWait = TimeSpan.FromMinutes(1);

    /// <summary>The channel that carries a message, with the provider client that speaks to it.</summary>
    private sealed record Route(Guid ChannelId, Channel Channel, IMessageProvider Provider, bool IsFallback);

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        _deliveryDueAt = null;
        // A timer runs outside the accepting request: its span continues the send's trace from the stored context.
        using var span = OutboundTracing.StartUnder("outbound.deliver", state.State.TraceParent, _batchId);
        try
        {
            await DeliverRoundsAsync(cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                // Deactivating: the next activation resumes from what is stored.
                return;
            }

            await ScheduleNextOrCompleteAsync();
            _deliveryFailures = 0;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Storage, a configuration lookup, anything: the loop never stops for good. Outcomes already known stay
            // in memory (stored before the next round may start), and the org's share of the backlog is released:
            // a batch that cannot make progress must not keep its org's new sends out.
            _deliveryFailures++;
            var wait = TimeSpan.FromTicks(Math.Min(timing.RetryDelay(_deliveryFailures, TimeSpan.FromSeconds(1)).Ticks, MaxFailureWait.Ticks));
            logger.LogWarning(e, "Delivery of batch {BatchId} failed ({Failures} in a row); it resumes in {Wait}", _batchId, _deliveryFailures, wait);
            LeaveBacklog();
            ScheduleDelivery(wait);
        }
    }

    private async Task DeliverRoundsAsync(CancellationToken cancellationToken)
    {
        var binding = await ChannelsAsync();
        // Indexed alongside the first provider round, so it adds nothing to the time to the provider.
        var indexing = state.State.Indexed ? null : IndexAsync();
        while (!cancellationToken.IsCancellationRequested)
        {
            // A round's outcomes are stored before the next round is recorded as in flight: the in-flight record
            // holds one round, so an unstored older one could not be told from one never sent.
            if (_progressDirty)
            {
                await WriteProgressAsync();
            }

            var now = time.GetUtcNow();
            var due = Due(now);
            if (due.Count == 0)
            {
                break;
            }

            // Messages held for quiet hours count in the backlog once they come due.
            JoinBacklog(due.Where(m => m.Status == MessageStatus.Scheduled));

            if (binding is null)
            {
                LeaveBacklog(due);
                var (code, reason) = state.State.Purpose is null
                    ? ("configuration-deleted", "The outbound configuration was deleted before the message was sent.")
                    : ("channel-deleted", "The channel was deleted before the message was sent.");
                due.ForEach(m => Fail(m, now, code, reason));
                await WriteProgressAsync();
                continue;
            }

            if (Expire(due, now) || await SettleUnknownOutcomesAsync(due, binding, now))
            {
                // Some messages ended, were found at the provider, or must wait: choose the round again.
                _progressDirty = true;
                continue;
            }

            await SendRoundAsync(due.Take(RoundSize).ToList(), binding, cancellationToken);
            if (indexing is not null)
            {
                state.State.Indexed = await indexing;
                indexing = null;
            }
        }

        if (indexing is not null)
        {
            state.State.Indexed = await indexing;
        }
    }

    private List<OutboundMessage> Due(DateTimeOffset now) =>
        [.. state.State.Messages.Where(m => m.IsWaiting && (m.NextAttemptAt is null || m.NextAttemptAt <= now))];

    /// <summary>Ends the messages past the org's delivery deadline; true if any did.</summary>
    private bool Expire(List<OutboundMessage> due, DateTimeOffset now)
    {
        var deadline = state.State.RetryUntil;
        if (now < deadline)
        {
            return false;
        }

        LeaveBacklog(due);
        foreach (var message in due)
        {
            var lastError = message.ErrorCode is { } code ? $" The last attempt's answer was {code}." : "";
            if (message.UnknownSince is not null)
            {
                // It may have been sent: we cannot say failed.
                metrics.Ambiguous(ProviderOf(message), state.State.ChannelType);
                message.MoveTo(MessageStatus.Unknown, now, ExpiredCode);
                message.ErrorCode = ExpiredCode;
                message.ErrorMessage = $"Not settled by the delivery deadline ({deadline:u}): an attempt's outcome is unknown and the provider could not say.{lastError}";
                message.NextAttemptAt = null;
            }
            else
            {
                Fail(message, now, ExpiredCode, $"Not sent by the delivery deadline ({deadline:u}).{lastError}");
            }
        }

        return true;
    }

    /// <summary>
    /// Settles due messages whose last attempt's outcome is unknown, on a provider that cannot deduplicate a resend:
    /// they are looked up first. Found: the provider has it (its id and status are adopted, nothing is sent). Not
    /// found: sent again, flagged ambiguous. The provider could not be asked: it waits and is asked again later.
    /// </summary>
    /// <returns>True if any message was looked up.</returns>
    private async Task<bool> SettleUnknownOutcomesAsync(List<OutboundMessage> due, BatchChannels binding, DateTimeOffset now)
    {
        var unsettled = due.Where(m => m.UnknownSince is not null && !CarrierCapabilities(m).IdempotentResend).ToList();
        if (unsettled.Count == 0)
        {
            return false;
        }

        var claimed = state.State.Messages.Select(m => m.ProviderMessageId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var group in unsettled.GroupBy(m => CarrierOf(m, binding)))
        {
            var messages = group.ToList();
            var searches = group.Key is { } carrier && carrier.Provider is ISentMessageFinder
                ? await GrainFactory.GetGrain<ISenderGrain>(0).FindSentAsync(carrier.ChannelId, carrier.Channel, [.. messages.Select(m => Query(m, carrier, now))])
                // Nothing can search for it (no finder, or its channel is gone): it cannot be settled.
                : [.. messages.Select(_ => new SentMessageSearch(true, []))];
            for (var i = 0; i < messages.Count; i++)
            {
                Settle(messages[i], searches[i], claimed, now);
            }
        }

        return true;
    }

    private SentMessageQuery Query(OutboundMessage message, Route carrier, DateTimeOffset now) =>
        new(Prepared(message, carrier), message.UnknownSince!.Value - DeliveryTiming.ClockSkew, now + DeliveryTiming.ClockSkew);

    private void Settle(OutboundMessage message, SentMessageSearch search, HashSet<string> claimed, DateTimeOffset now)
    {
        if (search.Matches.FirstOrDefault(m => !claimed.Contains(m.ProviderMessageId)) is { } found)
        {
            // The provider has it (another message of the batch may have claimed an identical one first).
            claimed.Add(found.ProviderMessageId);
            message.UnknownSince = null;
            message.ProviderMessageId = found.ProviderMessageId;
            message.MoveTo(MessageStatus.Sent, now);
            metrics.Sent(ProviderOf(message), state.State.ChannelType);
            message.ErrorCode = null;
            message.ErrorMessage = null;
            message.NextAttemptAt = null;
            message.RetryingSince = null;
            if (found.Status is { } reported && reported.Status > MessageStatus.Sent)
            {
                ApplyReportedStatus(message, reported.Status, found.ProviderMessageId, reported.ErrorCode, $"The provider reported the message {reported.Status.ToString().ToLowerInvariant()} when asked.");
            }
        }
        else if (!search.Completed)
        {
            // Asking failed (the provider is down too): not an attempt, nothing sent; ask again later.
            message.NextAttemptAt = Clamp(now + timing.RetryDelay(Math.Max(1, message.Attempts), null));
            message.ErrorMessage = "An attempt's outcome is unknown and the provider could not be asked yet; nothing is sent before it answers.";
        }
        else
        {
            // Not there as far as the provider can tell: send it again, and say a duplicate is possible.
            CountAmbiguous(message);
            message.UnknownSince = null;
            message.Ambiguous = true;
            message.NextAttemptAt = null;
        }
    }

    private async Task SendRoundAsync(List<OutboundMessage> round, BatchChannels binding, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var routes = round.ToDictionary(m => m.Index, m => RouteFor(m, binding, startedAt));
        if (_progressDirty)
        {
            // A message moved to the fallback channel: stored first, so a crash mid-round knows who carried it.
            await WriteProgressAsync();
        }

        // Recorded as in flight first, so after a crash we know these may have reached the provider: a small
        // entity of its own rather than another write of the progress.
        inFlight.State = new InFlightRound { Round = state.State.RoundsRecorded + 1, Indices = [.. round.Select(m => m.Index)], StartedAt = startedAt };
        await inFlight.WriteOwnStateAsync();
        foreach (var message in round)
        {
            message.MoveTo(MessageStatus.Sending, startedAt);
            message.Attempts++;
        }

        var calls = round.GroupBy(m => routes[m.Index]).Select(async group =>
        {
            var messages = group.ToList();
            return (Messages: messages, Outcomes: await CallSenderAsync(group.Key, messages, cancellationToken));
        });
        var results = await Task.WhenAll(calls);

        var now = time.GetUtcNow();
        var optedOut = new List<OutboundMessage>();
        foreach (var (messages, outcomes) in results)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                Apply(messages[i], outcomes[i], startedAt, now);
                if (outcomes[i].Status == SendStatus.OptedOut)
                {
                    optedOut.Add(messages[i]);
                }
            }

            // Out of the backlog once the provider answered, or is known to be down; a message that found no free
            // connection in time still counts: a slow provider holds back new requests too.
            LeaveBacklog(messages.Where((_, i) => outcomes[i] is not { Status: SendStatus.Deferred, ErrorCode: SendOutcome.QueuedCode }));
        }

        state.State.RoundsRecorded = inFlight.State.Round;
        // Usually the last round: completing in the same write saves a write of the progress.
        state.State.Completed = state.State.Indexed && state.State.Messages.All(m => !m.IsWaiting);
        await WriteProgressAsync();
        await RecordOptOutsAsync(optedOut);
    }

    /// <summary>The provider says these customers unsubscribed (Twilio 21610): later requests skip them.</summary>
    private async Task RecordOptOutsAsync(List<OutboundMessage> optedOut)
    {
        try
        {
            await Task.WhenAll(optedOut.Select(m =>
                GrainFactory.GetGrain<IContactGrain>(ContactKeys.Contact(_orgId, m.Message.To)).OptOutAsync($"provider:{m.ErrorCode}")));
        }
        catch (Exception e)
        {
            // The messages already failed with the provider's code; a later send meets the provider's refusal again.
            logger.LogWarning(e, "Recording {Count} opt-outs reported by the provider for batch {BatchId} failed", optedOut.Count, _batchId);
        }
    }

    private async Task<ImmutableArray<SendOutcome>> CallSenderAsync(Route route, List<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        try
        {
            return await GrainFactory.GetGrain<ISenderGrain>(0).SendAsync(
                route.ChannelId, route.Channel, [.. messages.Select(m => Prepared(m, route))], cancellationToken);
        }
        catch (Exception e)
        {
            // The calls may have reached the provider, and may even still run: their outcome is unknown until
            // they are surely over (DeliveryTiming.SettleAfter) and settled.
            logger.LogWarning(e, "Sending {Count} messages of batch {BatchId} failed; their outcome is settled before any resend", messages.Count, _batchId);
            return [.. messages.Select(_ => SendOutcome.Failed(SendStatus.Ambiguous, SenderErrorCode, $"The call to the provider failed ({e.GetType().Name}); its outcome is unknown."))];
        }
    }

    /// <summary>The message as its carrier wants it: where its status reports should go.</summary>
    private ProviderMessage Prepared(OutboundMessage message, Route route) => route.Provider.Capabilities.Reports switch
    {
        // Derivable, so not stored: a URL naming the message (Twilio) …
        StatusReporting.SignedCallbackPerMessage => message.Message with
        {
            StatusCallback = callbackUrls.StatusCallback(_orgId, MessageIds.Format(_batchId, message.Index)),
            ReportTag = null,
        },
        // … or a tag naming the batch, the same for all its messages so they can share a request (ACS).
        _ => message.Message with { StatusCallback = null, ReportTag = MessageIds.ReportTag(_orgId, _batchId) },
    };

    private void Apply(OutboundMessage message, SendOutcome outcome, DateTimeOffset startedAt, DateTimeOffset now)
    {
        switch (outcome.Status)
        {
            case SendStatus.Accepted:
                // Counted whatever a status report already did meanwhile: the provider took it in this attempt.
                metrics.Sent(ProviderOf(message), state.State.ChannelType);
                message.ProviderMessageId ??= outcome.ProviderMessageId;
                message.NextAttemptAt = null;
                message.UnknownSince = null;
                message.RetryingSince = null;
                // Otherwise a status report already moved it further while the round ran, and its error stays.
                if (message.Status == MessageStatus.Sending)
                {
                    message.MoveTo(MessageStatus.Sent, now);
                    message.ErrorCode = null;
                    message.ErrorMessage = null;
                }

                break;

            case SendStatus.Deferred when outcome.ErrorCode == SendOutcome.ChannelDownCode:
                // Not an attempt: the provider is down. The longer it has been, the longer between tries, so an
                // outage of an hour costs a batch a write every few minutes, not every few seconds.
                message.Attempts--;
                Reschedule(message, outcome, now, now + Jittered(timing.WaitWhileDown(now - (message.RetryingSince ?? now), outcome.RetryAfter)), failing: true);
                break;

            case SendStatus.Deferred:
                // Not an attempt: no connection was free in time. The channel is busy, not down.
                message.Attempts--;
                Reschedule(message, outcome, now, now + Jittered(outcome.RetryAfter ?? TimeSpan.FromSeconds(1)), failing: false);
                break;

            case SendStatus.Retryable:
                Reschedule(message, outcome, now, now + timing.RetryDelay(message.Attempts, outcome.RetryAfter), failing: true);
                break;

            case SendStatus.Ambiguous:
                if (message.Status != MessageStatus.Sending)
                {
                    // A report already says the provider has it.
                    message.UnknownSince = null;
                    break;
                }

                message.UnknownSince ??= startedAt;
                // Settled (by a resend the provider deduplicates, or by a lookup) no sooner than the provider says it
                // may still be working on it, and, when the call's own end is unknown, once it is surely over.
                var settleAt = now + timing.RetryDelay(message.Attempts, outcome.RetryAfter);
                Reschedule(message, outcome, now, outcome.ErrorCode == SenderErrorCode ? Later(settleAt, startedAt + timing.SettleAfter) : settleAt, failing: true);
                break;

            default:
                // Permanent or opted out: the provider refused it for good, so nothing was sent.
                if (message.Status == MessageStatus.Sending)
                {
                    Fail(message, now, outcome.ErrorCode, outcome.ErrorMessage);
                }

                break;
        }
    }

    /// <summary>
    /// Back to waiting, unless a status report already moved the message on (the provider has it).
    /// <paramref name="failing"/>: its channel answered with a failure (not merely busy), which starts the run of
    /// failures that a fallback channel and a growing wait are measured by.
    /// </summary>
    private void Reschedule(OutboundMessage message, SendOutcome outcome, DateTimeOffset now, DateTimeOffset nextAttempt, bool failing)
    {
        if (message.Status != MessageStatus.Sending)
        {
            message.UnknownSince = null;
            return;
        }

        message.MoveTo(MessageStatus.Accepted, now, ErrorTexts.BoundCode(outcome.ErrorCode));
        message.ErrorCode = ErrorTexts.BoundCode(outcome.ErrorCode);
        message.ErrorMessage = ErrorTexts.Bound(outcome.ErrorMessage);
        message.NextAttemptAt = Clamp(nextAttempt);
        if (failing)
        {
            message.RetryingSince ??= now;
        }
    }

    /// <summary>Never later than the deadline: a message past it ends then, not at its next retry.</summary>
    private DateTimeOffset Clamp(DateTimeOffset at) => at < state.State.RetryUntil ? at : state.State.RetryUntil;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Up to a fifth more than asked, so messages told to wait the same time do not all come back at once.</summary>
    private static TimeSpan Jittered(TimeSpan wait) => wait + (wait * (Random.Shared.NextDouble() / 5));

    private void Fail(OutboundMessage message, DateTimeOffset now, string? code, string? reason)
    {
        metrics.Failed(ProviderOf(message), state.State.ChannelType);
        // Bounded here too: whatever a provider answered, a stored message stays small.
        code = ErrorTexts.BoundCode(code);
        message.MoveTo(MessageStatus.Failed, now, code);
        message.ErrorCode = code;
        message.ErrorMessage = ErrorTexts.Bound(reason);
        message.NextAttemptAt = null;
    }

    /// <summary>
    /// The channel for a message's next attempt. A message moves to the configuration's fallback channel when its
    /// own is down (its provider's circuit is open, or it has answered only retryable failures for the
    /// configuration's <see cref="OutboundConfiguration.FallbackAfter"/>), and then stays there.
    /// </summary>
    private Route RouteFor(OutboundMessage message, BatchChannels binding, DateTimeOffset now)
    {
        var primary = PrimaryRoute(binding);
        if (FallbackRoute(binding) is not { } fallback)
        {
            return primary;
        }

        if (message.FallbackChannelId is not null)
        {
            return fallback;
        }

        var down = message.ErrorCode == SendOutcome.ChannelDownCode || (message.RetryingSince is { } since && now - since >= binding.FallbackAfter);
        if (!down)
        {
            return primary;
        }

        // Another provider cannot deduplicate what the first may have taken: if that is unsettled, say so.
        CountAmbiguous(message, message.UnknownSince is not null);
        message.Ambiguous |= message.UnknownSince is not null;
        message.UnknownSince = null;
        message.FallbackChannelId = fallback.ChannelId;
        message.FallbackProvider = fallback.Channel.Provider;
        message.RetryingSince = null;
        message.MoveTo(MessageStatus.Accepted, now, "fallback");
        _progressDirty = true;
        return fallback;
    }

    private Route PrimaryRoute(BatchChannels binding) =>
        new(binding.ChannelId, binding.Channel, providers.For(binding.Channel.Provider), IsFallback: false);

    private Route? FallbackRoute(BatchChannels binding) =>
        binding is { Fallback: { } channel, FallbackChannelId: { } id }
            ? new Route(id, channel, providers.For(channel.Provider), IsFallback: true)
            : null;

    /// <summary>The channel that carried a message's last attempt; null if it is no longer the configuration's.</summary>
    private Route? CarrierOf(OutboundMessage message, BatchChannels binding) =>
        message.FallbackChannelId is null
            ? PrimaryRoute(binding)
            : FallbackRoute(binding) is { } fallback && fallback.ChannelId == message.FallbackChannelId ? fallback : null;

    private ProviderCapabilities CarrierCapabilities(OutboundMessage message) =>
        providers.For(message.FallbackProvider ?? state.State.Provider).Capabilities;

    private async Task ScheduleNextOrCompleteAsync()
    {
        if (!state.State.Completed)
        {
            var next = state.State.Messages.Where(m => m.IsWaiting).Min(m => m.NextAttemptAt);
            if (next is { } at)
            {
                if (_progressDirty)
                {
                    await WriteProgressAsync();
                }

                var wait = at - time.GetUtcNow();
                if (wait > timing.RetryCap && state.State.Messages.Any(m => m.Status == MessageStatus.Scheduled))
                {
                    // The end of quiet hours may be hours away: the clock is read again at least this often, so a
                    // clock that moved meanwhile (corrected, or a test's) is noticed.
                    wait = timing.RetryCap;
                }

                ScheduleDelivery(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                return;
            }

            // Not complete before it is in the indexes: the reminder keeps retrying, or reports would never see it.
            if (!state.State.Indexed && !(state.State.Indexed = await IndexAsync()))
            {
                ScheduleDelivery(IndexRetryDelay);
                return;
            }

            state.State.Completed = true;
            await WriteProgressAsync();
        }

        _delivery?.Dispose();
        _delivery = null;
        await UnregisterDeliveryReminderAsync();
        await UpdateSummaryAsync();
    }
}
