using Microsoft.Extensions.Logging;
using Outbound.Activities;
using Outbound.Grains.Activities;
using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Contacts;
using Outbound.Grains.Contacts;
using Outbound.Orgs;
using Outbound.Providers;
using Outbound.Sending;
using Outbound.Templates;

namespace Outbound.Grains.Sending;

/// <summary>
/// One send request. Accepting it costs one state write and one reminder registration whatever the number of
/// contacts; delivery then runs in a grain timer (never in the request's turn): per provider round, a small write
/// of the round in flight before it, and one write of the progress (statuses, not content) after it.
/// The reminder brings the grain back after a crash, and a message caught in flight is sent again (for ACS
/// safely, thanks to its repeatability ids; for Twilio it is marked ambiguous).
/// </summary>
// A completed batch only waits for status reports; a later one reactivates it. Orleans' default of 15 minutes
// would keep every batch of a busy tenant in memory (about 2.5 GiB for a million contacts, issue #6).
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class SendBatchGrain(
    [PersistentState("batch", StorageNames.Messages)] IPersistentState<SendBatchState> state,
    [PersistentState("inflight", StorageNames.Messages)] IPersistentState<InFlightRound> inFlight,
    [PersistentState("progress", StorageNames.Messages)] IPersistentState<SendBatchProgress> progress,
    TimeProvider time,
    CallbackUrls callbackUrls,
    ActivityTables activities,
    ActivitySettings activitySettings,
    DeliveryBacklog backlog,
    ILogger<SendBatchGrain> logger)
    : Grain, ISendBatchGrain, IRemindable
{
    private const string DeliveryReminder = "deliver";
    private const int RoundSize = 100;
    private static readonly TimeSpan IndexRetryDelay = TimeSpan.FromSeconds(30);

    private Guid _orgId;
    private Guid _batchId;

    private IGrainTimer? _delivery;

    // The reminder registered by this activation: unregistering it then needs no read of the reminder table.
    private IGrainReminder? _reminder;

    // This activation's share of the silo's delivery backlog (messages whose first attempt is not over), given back as they go.
    private int _inBacklog;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        _orgId = Guid.Parse(key.AsSpan(0, slash));
        _batchId = Guid.Parse(key.AsSpan(slash + 1));
        if (state.RecordExists && progress.RecordExists)
        {
            progress.State.ApplyTo(state.State);
            progress.State.Messages = [];
        }

        if (state.RecordExists && !state.State.Completed)
        {
            // A previous activation died (crash, or deactivated while waiting): a round it started and never
            // recorded has an unknown outcome. ACS deduplicates a resend by its repeatability id; Twilio cannot, so say so.
            if (inFlight.RecordExists && inFlight.State.Round > state.State.RoundsRecorded)
            {
                foreach (var message in state.State.Messages.Where(m => m.Status == MessageStatus.Accepted && inFlight.State.Indices.Contains(m.Index)))
                {
                    message.Attempts++;
                    message.NextAttemptAt = null;
                    message.Ambiguous |= state.State.Provider == ProviderKind.Twilio;
                }

                state.State.RoundsRecorded = inFlight.State.Round;
            }

            // Batches stored before the in-flight round existed kept the marker in the message itself.
            foreach (var message in state.State.Messages.Where(m => m.Status == MessageStatus.Sending))
            {
                message.MoveTo(MessageStatus.Accepted, time.GetUtcNow());
                message.NextAttemptAt = null;
                message.Ambiguous |= state.State.Provider == ProviderKind.Twilio;
            }

            JoinBacklog(state.State.Messages.Count(m => m.Status == MessageStatus.Accepted && m.Attempts == 0));
            ScheduleDelivery(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Whatever is still waiting is counted again by the next activation (the reminder brings it back).
        LeaveBacklog(_inBacklog);
        return FlushOnDeactivationAsync(cancellationToken);
    }

    public async Task<SendReceipt> AcceptAsync(SendRequest request, string requestHash)
    {
        if (state.RecordExists)
        {
            return state.State.RequestHash == requestHash
                ? new SendReceipt(ReceiptStatus.Accepted, [.. state.State.Results], Replayed: true, Quota: null)
                : new SendReceipt(ReceiptStatus.IdempotencyKeyReused, [], false, null);
        }

        // First, so a refusal costs nothing: no quota taken, nothing stored, the same Idempotency-Key works later.
        if (backlog.IsFull(_orgId))
        {
            return Refused(new SendReceipt(ReceiptStatus.Busy, [], false, null));
        }

        // Reads that do not depend on each other run together: each one's wait is part of the send's latency.
        var org = GrainFactory.GetGrain<IOrgGrain>(_orgId);
        var bindingLookup = GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(_orgId, request.ConfigurationId)).GetBindingAsync();
        var allowanceLookup = org.GetSendAllowanceAsync();
        await Task.WhenAll(bindingLookup, allowanceLookup);
        if (await bindingLookup is not { } binding || await allowanceLookup is not { } allowance)
        {
            return Refused(new SendReceipt(ReceiptStatus.ConfigurationNotFound, [], false, null));
        }

        if (request.Contacts.Length > allowance.Settings.MaxContactsPerRequest)
        {
            return Refused(new SendReceipt(ReceiptStatus.TooManyContacts, [], false, null, allowance.Settings.MaxContactsPerRequest));
        }

        // The quota's write, the consent lookups (one call per suppression partition) and the delivery reminder's
        // write overlap: one storage round trip instead of two. The reminder goes first only while the org has
        // quota left, so an org over its quota costs no reminder writes; a refusal near the limit takes it back.
        var quotaDecision = org.TryAcquireSendAsync();
        var optedOutLookup = OptedOutAsync(request.Contacts);
        var reminderRegistration = allowance.Remaining > 0 && request.Contacts.Any(c => c.OptIn)
            ? RegisterDeliveryReminderAsync()
            : null;
        await Task.WhenAll(quotaDecision, optedOutLookup, reminderRegistration ?? Task.CompletedTask);
        if (reminderRegistration is not null)
        {
            _reminder = await reminderRegistration;
        }

        var quota = await quotaDecision;
        if (!quota.Allowed)
        {
            await UnregisterDeliveryReminderAsync(lookUp: false);
            return Refused(new SendReceipt(ReceiptStatus.QuotaExceeded, [], false, quota));
        }

        var optedOut = await optedOutLookup;
        var now = time.GetUtcNow();
        var batch = new SendBatchState
        {
            RequestHash = requestHash,
            ConfigurationId = request.ConfigurationId,
            Provider = binding.Channel.Provider,
            AcceptedAt = now,
            TemplateId = binding.Configuration.TemplateId,
            ChannelId = binding.Configuration.ChannelId,
            ChannelType = binding.Configuration.ChannelType,
            ShowInTimeline = binding.Configuration.ShowInTimeline,
        };
        for (var index = 0; index < request.Contacts.Length; index++)
        {
            batch.Results.Add(Admit(request.Contacts[index], index, binding, optedOut, now, batch.Messages));
        }

        if (batch.Messages.Count == 0)
        {
            batch.Completed = true;
            await UnregisterDeliveryReminderAsync(lookUp: false);
        }
        else
        {
            // Reminder before state: a reminder without state just unregisters itself, while state without a
            // reminder would be accepted messages that nothing resumes after a crash.
            _reminder ??= await RegisterDeliveryReminderAsync();
        }

        state.State = batch;
        await state.WriteStateAsync();
        if (!batch.Completed)
        {
            JoinBacklog(batch.Messages.Count);
            ScheduleDelivery(TimeSpan.Zero);
        }

        return new SendReceipt(ReceiptStatus.Accepted, [.. batch.Results], false, quota);
    }

    /// <summary>A refusal stores nothing, so the activation holds nothing worth the memory until it is collected.</summary>
    private SendReceipt Refused(SendReceipt receipt)
    {
        // Under overload many refused batches would otherwise each sit in memory for the collection age.
        DeactivateOnIdle();
        return receipt;
    }

    public Task<MessageView?> GetMessageAsync(int index)
    {
        var message = state.RecordExists ? state.State.Messages.FirstOrDefault(m => m.Index == index) : null;
        return Task.FromResult(message is null ? null : View(message));
    }

    public Task<ImmutableArray<MessageView>> GetMessagesAsync(ImmutableArray<int> indices)
    {
        if (!state.RecordExists)
        {
            return Task.FromResult(ImmutableArray<MessageView>.Empty);
        }

        var messages = indices.IsEmpty
            ? state.State.Messages
            : indices.Select(i => state.State.Messages.FirstOrDefault(m => m.Index == i)).OfType<OutboundMessage>();
        return Task.FromResult(messages.Select(View).ToImmutableArray());
    }

    private MessageView View(OutboundMessage message) => new(
        MessageIds.Format(_batchId, message.Index),
        state.State.ConfigurationId,
        message.Message.To,
        message.Status,
        message.Attempts,
        state.State.Provider,
        message.ProviderMessageId,
        message.ErrorCode,
        message.ErrorMessage,
        message.Ambiguous,
        state.State.AcceptedAt,
        message.UpdatedAt,
        [.. message.History])
    {
        Activity = new MessageActivity(
            state.State.TemplateId,
            state.State.ChannelId,
            state.State.ChannelType,
            message.Locale,
            message.RegardingEntity,
            message.Message.Body,
            message.Message.ContentSid,
            message.Message.ContentVariables,
            state.State.ShowInTimeline),
    };

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists || state.State.Completed)
        {
            if (await this.GetReminder(reminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        // Activation already scheduled delivery; a tick on a live activation needs nothing else.
        if (_delivery is null)
        {
            ScheduleDelivery(TimeSpan.Zero);
        }
    }

    /// <summary>The request's numbers that opted out, from the org's suppression list (one call per partition touched).</summary>
    private async Task<HashSet<string>> OptedOutAsync(ImmutableArray<SendContact> contacts)
    {
        var lookups = contacts
            .Where(c => c.OptIn && PhoneNumberRules.IsE164(c.To))
            .Select(c => c.To)
            .Distinct()
            .GroupBy(ContactKeys.PartitionOf)
            .Select(g => GrainFactory.GetGrain<ISuppressionListGrain>(ContactKeys.SuppressionPartition(_orgId, g.Key)).OptedOutAsync([.. g]));
        return [.. (await Task.WhenAll(lookups)).SelectMany(numbers => numbers)];
    }

    private ContactResult Admit(SendContact contact, int index, ConfigurationBinding binding, HashSet<string> optedOut, DateTimeOffset now, List<OutboundMessage> messages)
    {
        if (!contact.OptIn)
        {
            return new ContactResult(null, ContactStatus.SkippedNoOptIn, null);
        }

        if (!PhoneNumberRules.IsE164(contact.To))
        {
            return new ContactResult(null, ContactStatus.Invalid, "tocontactid is not a valid phone number in E.164 form, such as +14155550100.");
        }

        if (optedOut.Contains(contact.To))
        {
            return new ContactResult(null, ContactStatus.SkippedOptedOut, "The customer opted out of messages from this org.");
        }

        // The locale picks the version of SMS templates only; WhatsApp uses the template's default.
        var locale = binding.Template.ChannelType == ChannelType.Sms ? contact.Locale : null;
        var rendered = TemplateRenderer.Render(binding.Template, locale, contact.ContextItems);
        if (rendered.Message is not { } message)
        {
            return new ContactResult(null, ContactStatus.Invalid,
                $"contextitems has no value for {string.Join(", ", rendered.MissingSlugs.Select(s => $"{{{s}}}"))}.");
        }

        var messageId = MessageIds.Format(_batchId, index);
        // Twilio reports per message to a URL naming it (added at send time: derivable, so not stored); ACS reports
        // through one Event Grid subscription, so each report carries a tag naming the batch instead (the same for
        // all the batch's messages, so they can share a request).
        var reportTag = binding.Channel.Provider == ProviderKind.Twilio ? null : MessageIds.ReportTag(_orgId, _batchId);
        var accepted = new OutboundMessage
        {
            Index = index,
            Message = ProviderMessage.Create(Guid.NewGuid(), contact.To, message.Text, message.ContentSid, message.ContentVariables, null, now, reportTag),
            Locale = message.Locale,
            RegardingEntity = contact.EntityRelationshipName,
        };
        accepted.MoveTo(MessageStatus.Accepted, now);
        messages.Add(accepted);
        return new ContactResult(messageId, ContactStatus.Accepted, null);
    }

    /// <summary>Stores what changed since acceptance; the batch entity itself is never written again.</summary>
    private async Task WriteProgressAsync(CancellationToken cancellationToken = default)
    {
        progress.State = SendBatchProgress.Of(state.State);
        await progress.WriteStateAsync(cancellationToken);
        // Only the write needs the snapshot (the messages hold the progress); an idle batch keeps no second copy.
        progress.State.Messages = [];
    }

    private void JoinBacklog(int messages)
    {
        _inBacklog += messages;
        backlog.Add(_orgId, messages);
    }

    private void LeaveBacklog(int messages)
    {
        _inBacklog -= messages;
        backlog.Remove(_orgId, messages);
    }

    private void ScheduleDelivery(TimeSpan dueIn)
    {
        if (_delivery is null)
        {
            // KeepAlive: a batch with retries pending stays active rather than waiting for the next reminder tick.
            _delivery = this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions { DueTime = dueIn, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
        else
        {
            _delivery.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        var binding = await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(_orgId, state.State.ConfigurationId)).GetBindingAsync();
        var channelId = binding?.Configuration.ChannelId ?? Guid.Empty;
        // Indexed alongside the first provider round, so it adds nothing to the time to the provider.
        var indexing = state.State.Indexed ? null : IndexAsync();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var round = state.State.Messages
                .Where(m => m.Status == MessageStatus.Accepted && (m.NextAttemptAt is null || m.NextAttemptAt <= now))
                .Take(RoundSize)
                .ToList();
            if (round.Count == 0)
            {
                break;
            }

            // Messages count in the backlog until their first attempt is over: a slow provider holds back new requests too.
            var firstAttempts = round.Count(m => m.Attempts == 0);
            if (binding is null)
            {
                LeaveBacklog(firstAttempts);
                round.ForEach(m => Fail(m, now, "configuration-deleted", "The outbound configuration was deleted before the message was sent."));
                await WriteProgressAsync();
                continue;
            }

            // Recorded as in flight first, so after a crash we know these may have reached the provider: a small
            // entity of its own rather than another write of the progress.
            foreach (var message in round)
            {
                message.MoveTo(MessageStatus.Sending, now);
                message.Attempts++;
            }

            inFlight.State = new InFlightRound { Round = state.State.RoundsRecorded + 1, Indices = [.. round.Select(m => m.Index)] };
            await inFlight.WriteStateAsync();
            var outcomes = await SendAsync(channelId, binding.Channel, round);
            LeaveBacklog(firstAttempts);
            if (indexing is not null)
            {
                state.State.Indexed = await indexing;
                indexing = null;
            }

            now = time.GetUtcNow();
            for (var i = 0; i < round.Count; i++)
            {
                Apply(round[i], outcomes[i], now);
            }

            state.State.RoundsRecorded = inFlight.State.Round;
            // Usually the last round: completing in the same write saves a write of the progress.
            state.State.Completed = state.State.Indexed && state.State.Messages.All(m => m.Status != MessageStatus.Accepted);
            await WriteProgressAsync();
            // The provider says these customers unsubscribed (Twilio 21610): later requests skip them.
            await Task.WhenAll(round.Zip(outcomes)
                .Where(pair => pair.Second.Status == SendStatus.OptedOut)
                .Select(pair => GrainFactory.GetGrain<IContactGrain>(ContactKeys.Contact(_orgId, pair.First.Message.To)).OptOutAsync($"provider:{pair.Second.ErrorCode}")));
        }

        if (indexing is not null)
        {
            state.State.Indexed = await indexing;
        }

        await ScheduleNextOrCompleteAsync();
    }

    private async Task<ImmutableArray<SendOutcome>> SendAsync(Guid channelId, Channel channel, List<OutboundMessage> round)
    {
        try
        {
            return await GrainFactory.GetGrain<ISenderGrain>(0).SendAsync(channelId, channel, [.. round.Select(m => state.State.Provider == ProviderKind.Twilio
                ? m.Message with { StatusCallback = callbackUrls.TwilioStatus(_orgId, MessageIds.Format(_batchId, m.Index)) }
                : m.Message)]);
        }
        catch (Exception e)
        {
            // The sender may or may not have reached the provider before failing.
            logger.LogWarning(e, "Sending {Count} messages of batch {BatchId} failed; they will be retried", round.Count, _batchId);
            return [.. round.Select(_ => SendOutcome.Failed(SendStatus.Ambiguous, "sender-error", e.GetType().Name))];
        }
    }

    private static void Apply(OutboundMessage message, SendOutcome outcome, DateTimeOffset now)
    {
        switch (outcome.Status)
        {
            case SendStatus.Accepted:
                message.MoveTo(MessageStatus.Sent, now);
                message.ProviderMessageId = outcome.ProviderMessageId;
                message.ErrorCode = null;
                message.ErrorMessage = null;
                break;
            case SendStatus.Retryable or SendStatus.Ambiguous when message.Attempts < RetryPolicy.MaxAttempts:
                message.MoveTo(MessageStatus.Accepted, now, outcome.ErrorCode);
                message.Ambiguous |= outcome.Status == SendStatus.Ambiguous;
                message.ErrorCode = outcome.ErrorCode;
                message.ErrorMessage = outcome.ErrorMessage;
                message.NextAttemptAt = now + RetryPolicy.Delay(message.Attempts, outcome.RetryAfter, Random.Shared);
                break;
            default:
                // Permanent, opted out, or out of attempts.
                message.Ambiguous |= outcome.Status == SendStatus.Ambiguous;
                Fail(message, now, outcome.ErrorCode, outcome.ErrorMessage);
                break;
        }
    }

    private static void Fail(OutboundMessage message, DateTimeOffset now, string? code, string? reason)
    {
        message.MoveTo(MessageStatus.Failed, now, code);
        message.ErrorCode = code;
        message.ErrorMessage = reason;
        message.NextAttemptAt = null;
    }

    /// <summary>The reminder that resumes delivery after a crash or a deactivation: every minute until the batch completes.</summary>
    private Task<IGrainReminder> RegisterDeliveryReminderAsync() =>
        this.RegisterOrUpdateReminder(DeliveryReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    /// <summary>Unregisters the delivery reminder; without <paramref name="lookUp"/>, only one this activation registered.</summary>
    private async Task UnregisterDeliveryReminderAsync(bool lookUp = true)
    {
        // Looking up a reminder this activation did not register reads the reminder table.
        if ((_reminder ?? (lookUp ? await this.GetReminder(DeliveryReminder) : null)) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _reminder = null;
        }
    }

    private async Task ScheduleNextOrCompleteAsync()
    {
        if (!state.State.Completed)
        {
            var next = state.State.Messages.Where(m => m.Status == MessageStatus.Accepted).Min(m => m.NextAttemptAt);
            if (next is { } at)
            {
                var wait = at - time.GetUtcNow();
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

        await UnregisterDeliveryReminderAsync();
        await UpdateSummaryAsync();
    }
}
