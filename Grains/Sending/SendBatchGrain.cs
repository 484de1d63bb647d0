using Microsoft.Extensions.Logging;
using Outbound.Activities;
using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Contacts;
using Outbound.Grains.Activities;
using Outbound.Grains.Contacts;
using Outbound.Grains.Providers;
using Outbound.Grains.QuietHours;
using Outbound.Grains.Storage;
using Outbound.Grains.Telemetry;
using Outbound.Hosting;
using Outbound.Orgs;
using Outbound.Providers;
using Outbound.Sending;
using Outbound.Templates;
using Orleans.Storage;

namespace Outbound.Grains.Sending;

/// <summary>
/// One send request. Accepting it costs one state write and one reminder registration whatever the number of
/// contacts; delivery then runs in a grain timer (never in the request's turn): per provider round, a small write
/// of the round in flight before it, and one write of the progress (statuses, not content) after it.
/// </summary>
/// <remarks>
/// <para>
/// Exactly once: a message whose attempt has an unknown outcome (a timeout after the request left, a crash
/// mid-call) is settled before it is sent again: looked up at the provider, or, where the provider deduplicates
/// resends, sent again through the same provider. Only what the lookup cannot settle is resent, flagged ambiguous.
/// </para>
/// <para>
/// Status reports interleave with delivery (<c>[AlwaysInterleave]</c> on the interface) so a report is stored
/// before it is acknowledged without waiting for a provider round; every write of the progress goes through one
/// <see cref="CoalescingWriter"/>, so writes never overlap and reports arriving together share one.
/// </para>
/// </remarks>
// A completed batch only waits for status reports; a later one reactivates it. Orleans' default of 15 minutes
// would keep every batch of a busy tenant in memory (docs/benchmarks.md measured it after a million contacts).
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class SendBatchGrain : Grain, ISendBatchGrain, IRemindable
{
    private const string DeliveryReminder = "deliver";
    private static readonly TimeSpan IndexRetryDelay = TimeSpan.FromSeconds(30);

    // A wait longer than this lets the batch leave memory; the delivery reminder (every minute) brings it back.
    private static readonly TimeSpan KeepAliveWait = TimeSpan.FromMinutes(2);

    private readonly IPersistentState<SendBatchState> state;
    private readonly IPersistentState<InFlightRound> inFlight;
    private readonly IPersistentState<SendBatchProgress> progress;
    private readonly TimeProvider time;
    private readonly CallbackUrls callbackUrls;
    private readonly IActivityStore activities;
    private readonly ActivitySettings activitySettings;
    private readonly DeliveryBacklog backlog;
    private readonly MessageProviders providers;
    private readonly DeliveryTiming timing;
    private readonly IGrainStorageSerializer storageSerializer;
    private readonly ILogger<SendBatchGrain> logger;
    private readonly OutboundMetrics metrics;
    private readonly CoalescingWriter _progressWriter;

    private Guid _orgId;
    private Guid _batchId;

    private IGrainTimer? _delivery;
    private bool _deliveryKeepsAlive;

    // When the delivery timer is due; null while a round runs. The reminder's watchdog compares it with the clock.
    private DateTimeOffset? _deliveryDueAt;
    private int _deliveryFailures;

    // The reminder registered by this activation: unregistering it then needs no read of the reminder table.
    private IGrainReminder? _reminder;

    // Messages counted in the silo's delivery backlog: accepted here, no outcome from the provider yet.
    private readonly HashSet<int> _inBacklog = [];

    // In-memory progress not stored yet (a failed write, or a recovery): stored before another round may start.
    private bool _progressDirty;

    public SendBatchGrain(
        [PersistentState("batch", StorageNames.Messages)] IPersistentState<SendBatchState> state,
        [PersistentState("inflight", StorageNames.Messages)] IPersistentState<InFlightRound> inFlight,
        [PersistentState("progress", StorageNames.Messages)] IPersistentState<SendBatchProgress> progress,
        TimeProvider time,
        CallbackUrls callbackUrls,
        IActivityStore activities,
        ActivitySettings activitySettings,
        DeliveryBacklog backlog,
        MessageProviders providers,
        DeliveryTiming timing,
        IGrainStorageSerializer storageSerializer,
        ILogger<SendBatchGrain> logger,
        OutboundMetrics metrics)
    {
        this.storageSerializer = storageSerializer;
        this.state = state;
        this.inFlight = inFlight;
        this.progress = progress;
        this.time = time;
        this.callbackUrls = callbackUrls;
        this.activities = activities;
        this.activitySettings = activitySettings;
        this.backlog = backlog;
        this.providers = providers;
        this.timing = timing;
        this.logger = logger;
        this.metrics = metrics;
        _progressWriter = new CoalescingWriter(StoreProgressAsync, time);
    }

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
            RecoverInterruptedRound();
            JoinBacklog(state.State.Messages.Where(m => m.Status == MessageStatus.Accepted && m.Attempts == 0 && m.ErrorCode is null));
            ScheduleDelivery(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Whatever is still waiting is counted again by the next activation (the reminder brings it back).
        LeaveBacklog();
        // Best effort: anything not stored is recovered from the round in flight and settled with the provider.
        return _progressDirty ? _progressWriter.WriteAsync() : Task.CompletedTask;
    }

    /// <summary>
    /// A previous activation died in a round it never recorded (a crash, or deactivated mid-round): those messages
    /// may have reached the provider, so their outcome is unknown until settled.
    /// </summary>
    private void RecoverInterruptedRound()
    {
        var interrupted = inFlight.RecordExists && inFlight.State.Round > state.State.RoundsRecorded ? inFlight.State : null;
        var now = time.GetUtcNow();
        foreach (var message in state.State.Messages)
        {
            var inRound = interrupted?.Indices.Contains(message.Index) == true;
            // Batches stored before the in-flight round existed kept the marker in the message itself.
            if (!(message.Status == MessageStatus.Sending || (inRound && message.IsWaiting)))
            {
                continue;
            }

            if (message.IsWaiting)
            {
                // The attempt was counted in memory only.
                message.Attempts++;
            }

            message.MoveTo(MessageStatus.Accepted, now, "interrupted");

            // Sent again while an earlier attempt was unsettled: the customer may get both.
            CountAmbiguous(message, message.UnknownSince is not null);
            message.Ambiguous |= message.UnknownSince is not null;
            var startedAt = interrupted?.StartedAt is { } at && at != default ? at : message.UpdatedAt;
            message.UnknownSince = message.UnknownSince is { } earlier && earlier < startedAt ? earlier : startedAt;
            message.NextAttemptAt = CarrierCapabilities(message).IdempotentResend ? null : startedAt + timing.SettleAfter;
            _progressDirty = true;
        }

        if (interrupted is not null)
        {
            state.State.RoundsRecorded = interrupted.Round;
        }
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

        try
        {
            return await AcceptNewAsync(request, requestHash);
        }
        catch (Exception e) when (StorageFaults.IsTransient(e))
        {
            // Nothing may have been stored, or everything: a fresh activation reads which, and answers a repeat with it.
            logger.LogWarning(e, "Accepting batch {BatchId} failed; the request may be repeated with its Idempotency-Key", _batchId);
            state.State = new SendBatchState();
            return Refused(new SendReceipt(ReceiptStatus.Unavailable, [], false, null));
        }
    }

    private async Task<SendReceipt> AcceptNewAsync(SendRequest request, string requestHash)
    {
        if (request.Direct is not null && request.Contacts.Length != 1)
        {
            // A direct message is written for one customer.
            return Refused(new SendReceipt(ReceiptStatus.TooManyContacts, [], false, null, MaxContacts: 1));
        }

        // Reads that do not depend on each other run together: each one's wait is part of the send's latency.
        var org = GrainFactory.GetGrain<IOrgGrain>(_orgId);
        var sourceLookup = request.Direct is { } direct ? DirectSourceAsync(direct) : ConfigurationSourceAsync(request.ConfigurationId);
        var allowanceLookup = org.GetSendAllowanceAsync();
        await Task.WhenAll(sourceLookup, allowanceLookup);
        var source = await sourceLookup;
        if (await allowanceLookup is not { } allowance)
        {
            return Refused(new SendReceipt(ReceiptStatus.ConfigurationNotFound, [], false, null));
        }

        if (source.Refusal is { } refusal)
        {
            return Refused(new SendReceipt(refusal, [], false, null));
        }

        if (request.Contacts.Length > allowance.Settings.MaxContactsPerRequest)
        {
            return Refused(new SendReceipt(ReceiptStatus.TooManyContacts, [], false, null, allowance.Settings.MaxContactsPerRequest));
        }

        var channel = source.Channel!;

        // Rendered before anything is taken or stored: a request whose batch would not fit its storage entity is
        // refused whole and costs no quota. Opt-outs are not known yet, so it is sized as if nobody had opted out:
        // whether a request fits never depends on them.
        var now = time.GetUtcNow();
        var batch = new SendBatchState
        {
            RequestHash = requestHash,
            ConfigurationId = request.ConfigurationId,
            CampaignId = request.Campaign?.CampaignId,
            TraceParent = OutboundTracing.CurrentTraceParent(),
            Provider = channel.Provider,
            AcceptedAt = now,
            Deadline = now + allowance.Settings.DeliveryDeadline,
            TemplateId = source.Binding?.Configuration.TemplateId ?? Guid.Empty,
            ChannelId = source.ChannelId,
            ChannelType = channel.Type,
            // A direct message always shows: it is part of the customer's conversation.
            ShowInTimeline = source.Binding?.Configuration.ShowInTimeline ?? true,
            Purpose = request.Direct?.Purpose,
            ConversationId = request.Direct?.ConversationId,
            LinkRows = true,
        };
        var prepared = new OutboundMessage?[request.Contacts.Length];
        for (var index = 0; index < request.Contacts.Length; index++)
        {
            batch.Results.Add(request.Direct is { } message
                ? PrepareDirect(request.ConfigurationId, request.Contacts[index], message, channel, now, out prepared[index])
                : Prepare(request.Contacts[index], index, source.Binding!, now, out prepared[index]));
        }

        batch.Messages.AddRange(prepared.OfType<OutboundMessage>());
        HoldForQuietHours(batch, request, source.Binding, allowance, now);
        if (StoredBatchSize.Exceeds(batch, storageSerializer, out var storedBytes))
        {
            return Refused(new SendReceipt(ReceiptStatus.TooLarge, [], false, null, StoredBytes: storedBytes));
        }

        // The quota's write, the consent lookups (one call per suppression partition) and the delivery reminder's
        // write overlap: one storage round trip instead of two. The reminder goes first only while the org has
        // quota left, so an org over its quota costs no reminder writes; a refusal near the limit takes it back.
        var quotaDecision = org.TryAcquireSendAsync(request.Campaign, _batchId);
        // The confirmation of an opt-out is the one message an opted-out customer still gets (carriers require it).
        var optedOutLookup = request.Direct?.Purpose == DirectPurpose.OptOutConfirmation
            ? Task.FromResult(new HashSet<string>())
            : OptedOutAsync(request.Contacts);
        var reminderRegistration = allowance.Remaining > 0 && batch.Messages.Count > 0
            && (request.Campaign is not { } campaign || allowance.CampaignUsed < campaign.HourlyLimit(allowance.Settings.MaxRequestsPerHour))
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
            return Refused(quota switch
            {
                { OrgDisabled: true } => new SendReceipt(ReceiptStatus.OrgDisabled, [], false, null),
                { CampaignShareUsed: true } => new SendReceipt(ReceiptStatus.CampaignShareUsed, [], false, quota),
                _ => new SendReceipt(ReceiptStatus.QuotaExceeded, [], false, quota),
            });
        }

        // An opted-out customer is skipped whatever else is wrong with the contact, as before the render moved up.
        var optedOut = await optedOutLookup;
        if (optedOut.Count > 0)
        {
            for (var index = 0; index < request.Contacts.Length; index++)
            {
                var contact = request.Contacts[index];
                if (contact.OptIn && PhoneNumberRules.IsE164(contact.To) && optedOut.Contains(contact.To))
                {
                    batch.Results[index] = new ContactResult(null, ContactStatus.SkippedOptedOut, "The customer opted out of messages from this org.");
                }
            }

            batch.Messages.RemoveAll(m => optedOut.Contains(m.Message.To));
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
        metrics.Accepted(batch.Provider, batch.ChannelType, batch.Messages.Count);
        if (!batch.Completed)
        {
            // Messages held for quiet hours join when they come due.
            JoinBacklog(batch.Messages.Where(m => m.Status != MessageStatus.Scheduled));
            ScheduleDelivery(TimeSpan.Zero);
        }

        return new SendReceipt(ReceiptStatus.Accepted, [.. batch.Results], false, quota);
    }

    /// <summary>
    /// Holds the messages that would go out in quiet hours (the configuration's, else the org's) until they end,
    /// and counts the delivery deadline from the latest hold. Direct messages answer a customer who is talking to
    /// us, and a transactional configuration's are awaited: neither is held.
    /// </summary>
    private static void HoldForQuietHours(SendBatchState batch, SendRequest request, ConfigurationBinding? binding, SendAllowance allowance, DateTimeOffset now)
    {
        if (request.Direct is not null || binding?.Configuration is not { Transactional: false } configuration
            || (configuration.QuietHours ?? allowance.QuietHours) is not { } quietHours)
        {
            return;
        }

        var fallback = QuietHoursRules.FallbackZone(allowance.QuietHours);
        foreach (var message in batch.Messages)
        {
            var notBefore = QuietHoursRules.NotBefore(quietHours, message.Message.To, now, fallback);
            if (notBefore > now)
            {
                message.Hold(notBefore, now);
                batch.Results[message.Index] = batch.Results[message.Index] with { NotBefore = notBefore };
            }
        }

        if (batch.Messages.Max(m => m.NotBefore) is { } latest)
        {
            batch.Deadline = latest + (batch.Deadline!.Value - now);
        }
    }

    /// <summary>What a request is sent through: a configuration's binding, or a direct message's channel; or why it cannot be.</summary>
    private sealed record SendSource(ReceiptStatus? Refusal, ConfigurationBinding? Binding, Guid ChannelId, Channel? Channel);

    private async Task<SendSource> ConfigurationSourceAsync(Guid configurationId)
    {
        var binding = await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(_orgId, configurationId)).GetBindingAsync();
        return binding switch
        {
            null => new SendSource(ReceiptStatus.ConfigurationNotFound, null, Guid.Empty, null),
            // Refused before any quota is taken: an inactive configuration is a setting, not a send that happened.
            { Configuration.Inactive: true } => new SendSource(ReceiptStatus.ConfigurationInactive, null, Guid.Empty, null),
            _ => new SendSource(null, binding, binding.Configuration.ChannelId, binding.Channel),
        };
    }

    private async Task<SendSource> DirectSourceAsync(DirectMessage direct) =>
        await GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(_orgId, direct.ChannelId)).GetAsync() is { } channel
            ? new SendSource(null, null, direct.ChannelId, channel.Item)
            : new SendSource(ReceiptStatus.ChannelNotFound, null, Guid.Empty, null);

    /// <summary>The batch's channels as the catalog holds them now; null if they are gone (its configuration, or a direct message's channel).</summary>
    private async Task<BatchChannels?> ChannelsAsync()
    {
        if (state.State.Purpose is null)
        {
            var binding = await GrainFactory.GetGrain<IConfigurationGrain>(CatalogKeys.Item(_orgId, state.State.ConfigurationId)).GetBindingAsync();
            return binding is null ? null : BatchChannels.Of(binding);
        }

        var channel = await GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(_orgId, state.State.ChannelId)).GetAsync();
        return channel is null ? null : BatchChannels.Direct(state.State.ChannelId, channel.Item);
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
        message.FallbackProvider ?? state.State.Provider,
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
            message.FallbackChannelId ?? state.State.ChannelId,
            state.State.ChannelType,
            message.Locale,
            message.RegardingEntity,
            message.Message.Body,
            message.Message.ContentSid,
            message.Message.ContentVariables,
            state.State.ShowInTimeline)
        {
            ViaFallback = message.FallbackChannelId is not null,
        },
        ConversationId = state.State.ConversationId,
        Purpose = state.State.Purpose,
        NotBefore = message.NotBefore,
    };

    /// <summary>
    /// The delivery reminder: brings the batch back after a crash or a deactivation, and is its watchdog. A batch
    /// whose timer should have run long ago (a stalled loop) gets delivery restarted.
    /// </summary>
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

        var now = time.GetUtcNow();
        if (_deliveryDueAt is { } due && now - due > DeliveryTiming.StallAfter)
        {
            logger.LogWarning("Delivery of batch {BatchId} was due at {DueAt} and has not run; restarting it", _batchId, due);
            ScheduleDelivery(TimeSpan.Zero);
        }
        else if (_delivery is null)
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

    /// <summary>What becomes of a contact unless it opted out: with <paramref name="message"/> when it is accepted.</summary>
    private ContactResult Prepare(SendContact contact, int index, ConfigurationBinding binding, DateTimeOffset now, out OutboundMessage? message)
    {
        message = null;
        if (!contact.OptIn)
        {
            return new ContactResult(null, ContactStatus.SkippedNoOptIn, null);
        }

        if (!PhoneNumberRules.IsE164(contact.To))
        {
            return new ContactResult(null, ContactStatus.Invalid, "tocontactid is not a valid phone number in E.164 form, such as +14155550100.");
        }

        // The locale picks the version of SMS templates only; WhatsApp uses the template's default.
        var locale = binding.Template.ChannelType == ChannelType.Sms ? contact.Locale : null;
        var rendered = TemplateRenderer.Render(binding.Template, locale, contact.ContextItems);
        if (rendered.TooLong is { } tooLong)
        {
            return new ContactResult(null, ContactStatus.Invalid, $"{tooLong.Field}: {tooLong.Reason}");
        }

        if (rendered.Message is not { } content)
        {
            return new ContactResult(null, ContactStatus.Invalid,
                $"contextitems has no value for {string.Join(", ", rendered.MissingSlugs.Select(s => $"{{{s}}}"))}.");
        }

        // Where reports should go (a callback URL, a report tag) is added at send time: it depends on the
        // channel that carries the message, which a fallback may change.
        message = new OutboundMessage
        {
            Index = index,
            Message = ProviderMessage.Create(Guid.NewGuid(), contact.To, content.Text, content.ContentSid, content.ContentVariables, null, now),
            Locale = content.Locale,
            RegardingEntity = contact.EntityRelationshipName,
        };
        message.MoveTo(MessageStatus.Accepted, now);
        return new ContactResult(MessageIds.Format(_batchId, index), ContactStatus.Accepted, null);
    }

    /// <summary>
    /// A direct message for its one contact: sent as written (a <c>{Slug}</c> in an agent's text stays as it is),
    /// once its content is valid for the channel.
    /// </summary>
    private ContactResult PrepareDirect(Guid configurationId, SendContact contact, DirectMessage direct, Channel channel, DateTimeOffset now, out OutboundMessage? message)
    {
        message = null;
        if (!contact.OptIn)
        {
            return new ContactResult(null, ContactStatus.SkippedNoOptIn, null);
        }

        if (!PhoneNumberRules.IsE164(contact.To))
        {
            return new ContactResult(null, ContactStatus.Invalid, "tocontactid is not a valid phone number in E.164 form, such as +14155550100.");
        }

        if (configurationId != Guid.Empty)
        {
            return new ContactResult(null, ContactStatus.Invalid, "configurationId: a direct message is sent through its channel, with no configuration.");
        }

        if (DirectMessageRules.Validate(direct, channel.Type) is { } reason)
        {
            return new ContactResult(null, ContactStatus.Invalid, reason);
        }

        message = new OutboundMessage
        {
            Index = 0,
            Message = ProviderMessage.Create(Guid.NewGuid(), contact.To, direct.ContentSid is null ? direct.Text : null, direct.ContentSid,
                direct.ContentSid is null ? null : direct.ContentVariables ?? ImmutableDictionary<string, string>.Empty, null, now),
            Locale = "",
            RegardingEntity = contact.EntityRelationshipName,
        };
        message.MoveTo(MessageStatus.Accepted, now);
        return new ContactResult(MessageIds.Format(_batchId, 0), ContactStatus.Accepted, null);
    }

    /// <summary>Stores what changed since acceptance (never the batch entity itself), one write at a time.</summary>
    private Task WriteProgressAsync(TimeSpan gather = default) => _progressWriter.WriteAsync(gather);

    private async Task StoreProgressAsync()
    {
        _progressDirty = false;
        progress.State = SendBatchProgress.Of(state.State);
        try
        {
            await progress.WriteOwnStateAsync();
        }
        catch
        {
            _progressDirty = true;
            throw;
        }
        finally
        {
            // Only the write needs the snapshot (the messages hold the progress); an idle batch keeps no second copy.
            progress.State.Messages = [];
        }
    }

    /// <summary>Counts a message that becomes ambiguous now (<paramref name="becomes"/>), once.</summary>
    private void CountAmbiguous(OutboundMessage message, bool becomes = true)
    {
        if (becomes && !message.Ambiguous)
        {
            metrics.Ambiguous(ProviderOf(message), state.State.ChannelType);
        }
    }

    private ProviderKind ProviderOf(OutboundMessage message) => message.FallbackProvider ?? state.State.Provider;

    private void JoinBacklog(IEnumerable<OutboundMessage> messages) => backlog.Add(_orgId, messages.Count(m => _inBacklog.Add(m.Index)));

    private void LeaveBacklog(IEnumerable<OutboundMessage> messages) => backlog.Remove(_orgId, messages.Count(m => _inBacklog.Remove(m.Index)));

    private void LeaveBacklog()
    {
        backlog.Remove(_orgId, _inBacklog.Count);
        _inBacklog.Clear();
    }

    private void ScheduleDelivery(TimeSpan dueIn)
    {
        var keepAlive = dueIn <= KeepAliveWait;
        _deliveryDueAt = time.GetUtcNow() + dueIn;
        if (_delivery is not null && _deliveryKeepsAlive == keepAlive)
        {
            _delivery.Change(dueIn, Timeout.InfiniteTimeSpan);
            return;
        }

        // KeepAlive: a batch with a retry soon stays active; a long wait lets it go, and the reminder brings it back.
        _delivery?.Dispose();
        _delivery = this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions { DueTime = dueIn, Period = Timeout.InfiniteTimeSpan, KeepAlive = keepAlive });
        _deliveryKeepsAlive = keepAlive;
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
}
