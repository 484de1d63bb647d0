using Orleans.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using Outbound.Grains.Storage;
using Outbound.Orgs;
using Outbound.Routing;

namespace Outbound.Grains.Routing;

/// <summary>
/// An agent: their settings, presence and the conversations they hold. The one place that guards their capacity:
/// every queue they serve offers conversations here, and an offer beyond capacity (or while not available) is
/// refused in the same synchronous section that counts it. Also the agent's live event stream (kept in memory)
/// and the watch on their offline grace and unanswered conversations.
/// </summary>
[Reentrant]
public sealed class AgentGrain(
    [PersistentState("agent", StorageNames.Conversations)] IPersistentState<AgentState> state,
    TimeProvider time,
    IOptions<RoutingOptions> options,
    ILogger<AgentGrain> logger)
    : Grain, IAgentGrain, IRemindable
{
    private const string Watchdog = "agent-watchdog";

    private readonly ObserverManager<IAgentObserver> _observers = new(AgentEventFeed.ObserverLifetime, logger);
    private readonly Queue<SequencedAgentEvent> _events = new();
    private CoalescingWriter? _writer;
    private long _sequence;
    private IGrainTimer? _watch;
    private bool _watchdogRegistered;

    private (Guid OrgId, Guid AgentId) Key => CatalogKeys.ParseItem(this.GetPrimaryKeyString());

    private bool Exists => state.RecordExists && state.State.Settings is not null;

    private CoalescingWriter Writer => _writer ??= new CoalescingWriter(() => state.WriteOwnStateAsync(), time);

    private RoutingOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Event ids grow across activations too (the kept events do not survive one), so a reconnect never replays a stranger's id.
        _sequence = time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000;
        if (Exists && HasWatch())
        {
            Watch();
        }

        return Task.CompletedTask;
    }

    public async Task<SaveResult<AgentSettings>> CreateAsync(AgentSettings settings)
    {
        if (Exists)
        {
            return SaveResult<AgentSettings>.Invalid(ImmutableDictionary<string, string[]>.Empty.Add("id", ["An agent with this id already exists."]));
        }

        if (await CheckQueuesAsync(settings) is { IsEmpty: false } errors)
        {
            return SaveResult<AgentSettings>.Invalid(errors);
        }

        await Index.AddAsync(Key.AgentId);
        var now = time.GetUtcNow();
        state.State = new AgentState
        {
            Settings = settings, Version = 1, CreatedAt = now, UpdatedAt = now,
            Presence = AgentPresence.Offline, PresenceSince = now, IdleSince = now,
        };
        await Writer.WriteAsync();
        await ReportAsync(settings.QueueIds);
        return SaveResult<AgentSettings>.Ok(Stored()!);
    }

    public async Task<SaveResult<AgentSettings>> ReplaceAsync(AgentSettings settings)
    {
        if (!Exists)
        {
            return SaveResult<AgentSettings>.NotFound();
        }

        if (await CheckQueuesAsync(settings) is { IsEmpty: false } errors)
        {
            return SaveResult<AgentSettings>.Invalid(errors);
        }

        var left = state.State.Settings!.QueueIds.Except(settings.QueueIds).ToArray();
        state.State.Settings = settings;
        state.State.Version++;
        state.State.UpdatedAt = time.GetUtcNow();
        await Writer.WriteAsync();
        await Task.WhenAll(left.Select(q => Queue(q).AgentChangedAsync(Report() with { Member = false })));
        await ReportAsync(settings.QueueIds);
        return SaveResult<AgentSettings>.Ok(Stored()!);
    }

    public Task<AgentView?> GetViewAsync() => Task.FromResult(View());

    public async Task<bool> DeleteAsync()
    {
        if (!Exists)
        {
            return false;
        }

        var queues = state.State.Settings!.QueueIds;
        var held = TakeAll(_ => true);
        state.State.Presence = AgentPresence.Offline;
        await Writer.WriteAsync();
        await Task.WhenAll(queues.Select(q => Queue(q).AgentChangedAsync(Report() with { Member = false })));
        await RequeueAsync(held, "agent deleted", reassign: false);
        // A deleted agent's keys stop working: they would act as someone who no longer exists.
        await GrainFactory.GetGrain<IOrgGrain>(Key.OrgId).RevokeAgentKeysAsync(Key.AgentId);
        await Writer.WhenWrittenAsync();
        await state.ClearStateAsync();
        state.State = new AgentState();
        await Index.RemoveAsync(Key.AgentId);
        StopWatch();
        return true;
    }

    public async Task<AgentView?> SetPresenceAsync(AgentPresence presence)
    {
        if (!Exists)
        {
            return null;
        }

        if (state.State.Presence != presence)
        {
            state.State.Presence = presence;
            state.State.PresenceSince = time.GetUtcNow();
            await Writer.WriteAsync();
            if (HasWatch())
            {
                Watch();
            }

            await ReportAsync(state.State.Settings!.QueueIds);
        }

        return View();
    }

    public async Task<SlotAnswer> TakeAsync(SlotOffer offer)
    {
        var s = state.State;
        if (s.Conversations.Any(c => c.ConversationId == offer.Ticket.ConversationId))
        {
            // An offer repeated after a lost answer: it is ours already.
            await Writer.WhenWrittenAsync();
            return new SlotAnswer(true, Report());
        }

        if (!Exists || s.Presence != AgentPresence.Available || !s.Settings!.QueueIds.Contains(offer.QueueId)
            || s.Conversations.Count >= s.Settings.Capacity)
        {
            return new SlotAnswer(false, Exists ? Report() : new AgentReport(Key.AgentId, false, AgentPresence.Offline, 0, 0, default));
        }

        s.Conversations.Add(new AgentConversation(offer.Ticket.ConversationId, offer.Ticket.Customer, offer.Ticket.ChannelId, offer.QueueId,
            offer.At, offer.Ticket.WaitingSince, false, offer.UnansweredReassignSeconds));
        s.IdleSince = offer.At;
        await Writer.WriteAsync();
        if (offer.UnansweredReassignSeconds > 0)
        {
            Watch();
        }

        return new SlotAnswer(true, Report());
    }

    public async Task ReleaseAsync(Guid conversationId)
    {
        if (state.State.Conversations.RemoveAll(c => c.ConversationId == conversationId) == 0)
        {
            return;
        }

        await Writer.WriteAsync();
        if (Exists)
        {
            await ReportAsync(state.State.Settings!.QueueIds);
        }
    }

    public async Task AnsweredAsync(Guid conversationId)
    {
        var list = state.State.Conversations;
        var at = list.FindIndex(c => c.ConversationId == conversationId);
        if (at >= 0 && !list[at].Answered)
        {
            list[at] = list[at] with { Answered = true };
            await Writer.WriteAsync();
        }
    }

    public Task<ImmutableArray<AgentConversation>> GetConversationsAsync() =>
        Task.FromResult(state.State.Conversations.OrderBy(c => c.AssignedAt).ToImmutableArray());

    public async Task QueueDeletedAsync(Guid queueId)
    {
        if (Exists && state.State.Settings!.QueueIds.Contains(queueId))
        {
            state.State.Settings = state.State.Settings with { QueueIds = state.State.Settings.QueueIds.Remove(queueId) };
            await Writer.WriteAsync();
        }
    }

    public Task PublishAsync(AgentEvent agentEvent)
    {
        var sequenced = new SequencedAgentEvent(++_sequence, agentEvent);
        _events.Enqueue(sequenced);
        while (_events.Count > AgentEventFeed.KeptEvents)
        {
            _events.Dequeue();
        }

        return _observers.Notify(o => o.OnEventAsync(sequenced));
    }

    public Task<ImmutableArray<SequencedAgentEvent>?> SubscribeAsync(IAgentObserver observer, long? afterSequence)
    {
        _observers.ClearExpired();
        if (!_observers.Observers.ContainsKey(observer) && _observers.Count >= AgentEventFeed.MaxStreams)
        {
            return Task.FromResult<ImmutableArray<SequencedAgentEvent>?>(null);
        }

        _observers.Subscribe(observer, observer);
        return Task.FromResult<ImmutableArray<SequencedAgentEvent>?>(afterSequence is { } after
            ? _events.Where(e => e.Sequence > after).ToImmutableArray()
            : ImmutableArray<SequencedAgentEvent>.Empty);
    }

    public Task UnsubscribeAsync(IAgentObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Exists && HasWatch())
        {
            Watch();
            return Task.CompletedTask;
        }

        return UnregisterWatchdogAsync();
    }

    /// <summary>Whether anything waits on the clock: an offline grace with conversations held, or an unanswered limit.</summary>
    private bool HasWatch() =>
        state.State.Conversations.Count > 0
        && (state.State.Presence == AgentPresence.Offline || state.State.Conversations.Any(c => !c.Answered && c.UnansweredReassignSeconds > 0));

    private void Watch()
    {
        _watch ??= this.RegisterGrainTimer(_ => CheckClockAsync(), new GrainTimerCreationOptions
        {
            DueTime = Options.WatchInterval, Period = Options.WatchInterval, Interleave = true,
        });
        if (!_watchdogRegistered)
        {
            _watchdogRegistered = true;
            _ = RegisterWatchdogAsync();
        }
    }

    private async Task RegisterWatchdogAsync()
    {
        try
        {
            // Brings the watch back after a crash or a deactivation.
            await this.RegisterOrUpdateReminder(Watchdog, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch
        {
            _watchdogRegistered = false;
        }
    }

    private async Task UnregisterWatchdogAsync()
    {
        if (await this.GetReminder(Watchdog) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _watchdogRegistered = false;
    }

    private void StopWatch()
    {
        _watch?.Dispose();
        _watch = null;
    }

    private async Task CheckClockAsync()
    {
        var now = time.GetUtcNow();
        var s = state.State;
        var offline = s.Presence == AgentPresence.Offline && now - s.PresenceSince >= Options.OfflineGrace;
        var gone = TakeAll(c => offline);
        var unanswered = TakeAll(c => !c.Answered && c.UnansweredReassignSeconds > 0 && now - c.AssignedAt >= TimeSpan.FromSeconds(c.UnansweredReassignSeconds));
        if (gone.Count + unanswered.Count > 0)
        {
            await Writer.WriteAsync();
            await RequeueAsync(gone, "offline", reassign: false);
            await RequeueAsync(unanswered, "unanswered", reassign: true);
            if (Exists)
            {
                await ReportAsync(s.Settings!.QueueIds);
            }
        }

        if (!HasWatch())
        {
            StopWatch();
            await UnregisterWatchdogAsync();
        }
    }

    /// <summary>Takes the matching conversations off the agent at once, so no queue offers them back here meanwhile.</summary>
    private List<AgentConversation> TakeAll(Func<AgentConversation, bool> which)
    {
        var taken = state.State.Conversations.Where(which).ToList();
        state.State.Conversations.RemoveAll(c => taken.Contains(c));
        return taken;
    }

    private async Task RequeueAsync(List<AgentConversation> conversations, string reason, bool reassign)
    {
        var now = time.GetUtcNow();
        foreach (var c in conversations)
        {
            try
            {
                await Queue(c.QueueId).RequeueAsync(new QueueTicket(c.ConversationId, c.Customer, c.ChannelId, c.WaitingSince), Key.AgentId, reason, reassign);
                await PublishAsync(new AgentEvent(AgentEventType.Transferred, c.ConversationId, now, c.Customer));
            }
            catch (Exception e)
            {
                // Put back: the next look at the clock tries again.
                logger.LogWarning(e, "Requeueing conversation {ConversationId} failed", c.ConversationId);
                state.State.Conversations.Add(c);
            }
        }
    }

    private async Task<ImmutableDictionary<string, string[]>> CheckQueuesAsync(AgentSettings settings)
    {
        var missing = new List<Guid>();
        foreach (var queueId in settings.QueueIds)
        {
            if (await Queue(queueId).GetViewAsync() is null)
            {
                missing.Add(queueId);
            }
        }

        return missing.Count == 0
            ? ImmutableDictionary<string, string[]>.Empty
            : ImmutableDictionary<string, string[]>.Empty.Add("queueIds", [$"No queue {string.Join(", ", missing)} exists."]);
    }

    private Task ReportAsync(IEnumerable<Guid> queueIds)
    {
        var report = Report();
        return Task.WhenAll(queueIds.Select(q => Queue(q).AgentChangedAsync(report)));
    }

    private AgentReport Report() =>
        new(Key.AgentId, true, state.State.Presence, state.State.Settings?.Capacity ?? 0, state.State.Conversations.Count, state.State.IdleSince);

    private AgentView? View() =>
        Exists ? new AgentView(Stored()!, state.State.Presence, state.State.PresenceSince, state.State.Conversations.Count) : null;

    private StoredItem<AgentSettings>? Stored() =>
        Exists ? new StoredItem<AgentSettings>(Key.AgentId, state.State.Settings!, state.State.Version, state.State.CreatedAt, state.State.UpdatedAt) : null;

    private ICatalogIndexGrain Index => GrainFactory.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(Key.OrgId, CatalogKind.Agent));

    private IQueueGrain Queue(Guid queueId) => GrainFactory.GetGrain<IQueueGrain>(RoutingKeys.Queue(Key.OrgId, queueId));
}

[GenerateSerializer]
public sealed class AgentState
{
    [Id(0)] public AgentSettings? Settings { get; set; }
    [Id(1)] public int Version { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(4)] public AgentPresence Presence { get; set; }
    [Id(5)] public DateTimeOffset PresenceSince { get; set; }
    [Id(6)] public DateTimeOffset IdleSince { get; set; }

    /// <summary>The conversations the agent holds: at most their capacity (at most <see cref="AgentSettings.MaxCapacity"/>).</summary>
    [Id(7)] public List<AgentConversation> Conversations { get; set; } = [];
}
