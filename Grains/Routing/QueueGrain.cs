using Orleans.Concurrency;
using Outbound.Channels;
using Outbound.Conversations;
using Outbound.Grains.Storage;
using Outbound.Grains.Telemetry;
using Outbound.Routing;

namespace Outbound.Grains.Routing;

/// <summary>
/// A queue: its settings, the conversations waiting in it (first in, first out by when they started waiting) and
/// what it knows of its agents. Every assignment decision of the queue is taken here in a synchronous section
/// (pick an agent, take the ticket out of the line), so interleaved calls never pick one ticket twice; the agent's
/// own grain then refuses an offer beyond their capacity, and the conversation refuses an assignment it no longer
/// waits for. Reentrant so that arrivals are stored while earlier assignments are under way.
/// </summary>
[Reentrant]
public sealed class QueueGrain(
    [PersistentState("queue", StorageNames.Conversations)] IPersistentState<QueueState> state,
    TimeProvider time,
    OutboundMetrics? metrics = null)
    : Grain, IQueueGrain, IRemindable
{
    /// <summary>Conversations one queue holds waiting: bounds the row the queue is stored in.</summary>
    public const int MaxWaiting = 5_000;

    /// <summary>Agents one queue serves: bounds the row the queue is stored in.</summary>
    public const int MaxAgents = 1_000;

    // Offers made at once by one pass of the line: enough to keep many agents busy, few enough to stay fair.
    private const int AssignmentsPerPass = 32;
    private const string Watchdog = "queue-watchdog";

    private CoalescingWriter? _writer;
    private bool _pumping;
    private Guid? _lastPicked;
    private bool _watchdogRegistered;

    // Who holds each conversation assigned by this activation: saves a look-up when it is answered or released.
    private readonly Dictionary<Guid, Guid> _assigned = [];

    private (Guid OrgId, Guid QueueId) Key => CatalogKeys.ParseItem(this.GetPrimaryKeyString());

    private bool Exists => state.RecordExists && state.State.Settings is not null;

    // Every change of the line is written, so the gauge follows the writes.
    private CoalescingWriter Writer => _writer ??= new CoalescingWriter(() =>
    {
        metrics?.QueueWaiting(this.GetGrainId(), state.State.Waiting.Count);
        return state.WriteOwnStateAsync();
    }, time);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics?.QueueWaiting(this.GetGrainId(), 0);
        return Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        metrics?.QueueWaiting(this.GetGrainId(), state.State.Waiting.Count);
        if (state.State.Waiting.Count > 0)
        {
            Pump();
        }

        return Task.CompletedTask;
    }

    public async Task<SaveResult<QueueSettings>> CreateAsync(QueueSettings settings)
    {
        if (Exists)
        {
            return SaveResult<QueueSettings>.Invalid(ImmutableDictionary<string, string[]>.Empty.Add("id", ["A queue with this id already exists."]));
        }

        if (await ClaimAsync(settings) is { IsEmpty: false } errors)
        {
            return SaveResult<QueueSettings>.Invalid(errors);
        }

        // Index first: a listed id whose grain holds nothing is skipped when listing.
        await Index.AddAsync(Key.QueueId);
        var now = time.GetUtcNow();
        state.State.Settings = settings;
        state.State.Version = 1;
        state.State.CreatedAt = state.State.UpdatedAt = now;
        await Writer.WriteAsync();
        return SaveResult<QueueSettings>.Ok(Stored()!);
    }

    public async Task<SaveResult<QueueSettings>> ReplaceAsync(QueueSettings settings)
    {
        if (!Exists)
        {
            return SaveResult<QueueSettings>.NotFound();
        }

        if (await ClaimAsync(settings) is { IsEmpty: false } errors)
        {
            return SaveResult<QueueSettings>.Invalid(errors);
        }

        state.State.Settings = settings;
        state.State.Version++;
        state.State.UpdatedAt = time.GetUtcNow();
        await Writer.WriteAsync();
        return SaveResult<QueueSettings>.Ok(Stored()!);
    }

    public Task<QueueView?> GetViewAsync() =>
        Task.FromResult(Exists ? new QueueView(Stored()!, state.State.Waiting.Count, state.State.Agents.Count) : null);

    public async Task<QueueDeleteResult> DeleteAsync()
    {
        if (!Exists)
        {
            return new QueueDeleteResult(QueueDeleteStatus.NotFound, 0);
        }

        if (state.State.Waiting.Count > 0)
        {
            return new QueueDeleteResult(QueueDeleteStatus.NotEmpty, state.State.Waiting.Count);
        }

        var (orgId, queueId) = Key;
        await GrainFactory.GetGrain<IRoutingGrain>(orgId).ReleaseQueueAsync(queueId);
        var agents = state.State.Agents.Keys.ToArray();
        await Writer.WhenWrittenAsync();
        await state.ClearStateAsync();
        state.State = new QueueState();
        await Index.RemoveAsync(queueId);
        await Task.WhenAll(agents.Select(a => Agent(a).QueueDeletedAsync(queueId)));
        return new QueueDeleteResult(QueueDeleteStatus.Deleted, 0);
    }

    public async Task EnqueueAsync(QueueTicket ticket)
    {
        if (!Exists)
        {
            // Deleted since the routing table named it: the conversation keeps waiting without a queue.
            return;
        }

        var known = state.State.Waiting.Any(w => w.Ticket.ConversationId == ticket.ConversationId) || _assigned.ContainsKey(ticket.ConversationId);
        if (!known && state.State.Waiting.Count == 0 && Pick(null) is { } agentId)
        {
            if (await OfferAtOnceAsync(new WaitingTicket { Ticket = ticket }, agentId))
            {
                // Nobody waited ahead and the agent took it: the line never held it, so there is nothing to store.
                return;
            }

            // Refused or failed: the offer put it in line (unless the conversation no longer waits here).
        }
        else if (!known)
        {
            if (state.State.Waiting.Count >= MaxWaiting)
            {
                throw new InvalidOperationException($"The queue holds {MaxWaiting} waiting conversations, the most it may.");
            }

            InLine(new WaitingTicket { Ticket = ticket });
        }

        await Writer.WriteAsync();
        Pump();
    }

    /// <summary>
    /// Offers a new conversation to the agent just picked, before it ever waits in line. False if it must wait after
    /// all (the agent refused, or a call failed): it is then in line, and the caller stores the line.
    /// </summary>
    private async Task<bool> OfferAtOnceAsync(WaitingTicket waiting, Guid agentId)
    {
        try
        {
            return await OfferAsync(waiting, agentId);
        }
        catch
        {
            // OfferAsync put the ticket back in line; it waits there like any other.
            return false;
        }
    }

    public async Task RequeueAsync(QueueTicket ticket, Guid fromAgentId, string reason, bool reassign)
    {
        if (_assigned.TryGetValue(ticket.ConversationId, out var holder) && holder == fromAgentId)
        {
            _assigned.Remove(ticket.ConversationId);
        }

        if (!await Conversation(ticket.ConversationId).UnassignAsync(fromAgentId, reason) || !Exists)
        {
            return;
        }

        InLine(new WaitingTicket { Ticket = ticket, NotTo = reassign ? fromAgentId : null });
        await Writer.WriteAsync();
        Pump();
    }

    public async Task AnsweredAsync(Guid conversationId)
    {
        if (await HolderAsync(conversationId) is { } agentId)
        {
            await Agent(agentId).AnsweredAsync(conversationId);
        }
    }

    public async Task ReleaseAsync(Guid conversationId)
    {
        if (state.State.Waiting.RemoveAll(w => w.Ticket.ConversationId == conversationId) > 0)
        {
            await Writer.WriteAsync();
        }

        var agentId = await HolderAsync(conversationId);
        _assigned.Remove(conversationId);
        if (agentId is { } id)
        {
            await Agent(id).ReleaseAsync(conversationId);
        }
    }

    public async Task<bool> AssignToAsync(QueueTicket ticket, Guid agentId)
    {
        if (!Exists || !state.State.Agents.ContainsKey(agentId))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var answer = await Agent(agentId).TakeAsync(new SlotOffer(Key.QueueId, ticket, now, state.State.Settings!.UnansweredReassignSeconds));
        Learn(answer.Report);
        if (!answer.Taken)
        {
            return false;
        }

        // The caller is the conversation itself (a transfer): it records its new agent; calling back into it would wait on it.
        _assigned[ticket.ConversationId] = agentId;
        await PublishAssignedAsync(agentId, ticket, now);
        return true;
    }

    public async Task AgentChangedAsync(AgentReport report)
    {
        if (!Exists)
        {
            return;
        }

        Learn(report);
        await Writer.WriteAsync();
        Pump();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Waiting.Count == 0)
        {
            if (await this.GetReminder(Watchdog) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _watchdogRegistered = false;
            return;
        }

        Pump();
    }

    private void Learn(AgentReport report)
    {
        var agents = state.State.Agents;
        if (!report.Member)
        {
            agents.Remove(report.AgentId);
            return;
        }

        if (!agents.ContainsKey(report.AgentId) && agents.Count >= MaxAgents)
        {
            return;
        }

        agents[report.AgentId] = new AgentHint { Presence = report.Presence, Capacity = report.Capacity, Active = report.Active, IdleSince = report.IdleSince };
    }

    /// <summary>Puts a ticket in line by when it started waiting; among equal times, after those already there.</summary>
    private void InLine(WaitingTicket waiting)
    {
        var line = state.State.Waiting;
        var at = line.Count;
        while (at > 0 && line[at - 1].Ticket.WaitingSince > waiting.Ticket.WaitingSince)
        {
            at--;
        }

        line.Insert(at, waiting);
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
            // Brings a queue with waiting conversations back after a crash or a deactivation.
            await this.RegisterOrUpdateReminder(Watchdog, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch
        {
            _watchdogRegistered = false;
        }
    }

    private void Pump()
    {
        if (_pumping)
        {
            return;
        }

        _pumping = true;
        _ = PumpAsync();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (Exists)
            {
                var offers = PickOffers();
                if (offers.Count == 0)
                {
                    return;
                }

                await Task.WhenAll(offers.Select(o => OfferAsync(o.Waiting, o.AgentId)));
                await Writer.WriteAsync();
            }
        }
        catch
        {
            // A storage failure: the line is still in memory, and the next arrival, agent report or watchdog pumps again.
        }
        finally
        {
            _pumping = false;
        }
    }

    /// <summary>The next offers, decided at once: each ticket leaves the line here, so no later pass can pick it again.</summary>
    private List<(WaitingTicket Waiting, Guid AgentId)> PickOffers()
    {
        var offers = new List<(WaitingTicket, Guid)>();
        var line = state.State.Waiting;
        for (var i = 0; i < line.Count && offers.Count < AssignmentsPerPass;)
        {
            var waiting = line[i];
            if (Pick(waiting.NotTo) is not { } agentId)
            {
                if (waiting.NotTo is null)
                {
                    // Nobody is free: the rest of the line waits behind it.
                    break;
                }

                i++;
                continue;
            }

            line.RemoveAt(i);
            offers.Add((waiting, agentId));
        }

        return offers;
    }

    private Guid? Pick(Guid? notTo)
    {
        var free = state.State.Agents.Where(a => a.Value.Presence == AgentPresence.Available && a.Value.Active < a.Value.Capacity && a.Key != notTo);
        Guid? picked;
        if (state.State.Settings!.Strategy == RoutingStrategy.LeastActive)
        {
            picked = free.OrderBy(a => a.Value.Active).ThenBy(a => a.Value.IdleSince).Select(a => (Guid?)a.Key).FirstOrDefault();
        }
        else
        {
            var ordered = free.Select(a => a.Key).Order().ToList();
            picked = ordered.Count == 0 ? null : ordered.FirstOrDefault(id => _lastPicked is { } last && id.CompareTo(last) > 0, ordered[0]);
        }

        if (picked is { } id2)
        {
            // Counted at once, so the next pick of this pass sees the slot as taken.
            var hint = state.State.Agents[id2];
            hint.Active++;
            hint.IdleSince = time.GetUtcNow();
            _lastPicked = id2;
        }

        return picked;
    }

    /// <summary>Offers the ticket to the agent and assigns it; false if it went back in line (or was closed meanwhile).</summary>
    private async Task<bool> OfferAsync(WaitingTicket waiting, Guid agentId)
    {
        var ticket = waiting.Ticket;
        var agent = Agent(agentId);
        var now = time.GetUtcNow();
        SlotAnswer answer;
        try
        {
            answer = await agent.TakeAsync(new SlotOffer(Key.QueueId, ticket, now, state.State.Settings?.UnansweredReassignSeconds ?? 0));
        }
        catch
        {
            InLine(waiting);
            throw;
        }

        Learn(answer.Report);
        if (!answer.Taken)
        {
            InLine(waiting);
            return false;
        }

        bool assigned;
        try
        {
            assigned = await Conversation(ticket.ConversationId).AssignAsync(new Assignment(Key.QueueId, agentId, now));
        }
        catch
        {
            await agent.ReleaseAsync(ticket.ConversationId);
            InLine(waiting);
            throw;
        }

        if (!assigned)
        {
            // Closed, or no longer waiting here: the ticket leaves the line and the agent gets the slot back.
            await agent.ReleaseAsync(ticket.ConversationId);
            return false;
        }

        _assigned[ticket.ConversationId] = agentId;
        await PublishAssignedAsync(agentId, ticket, now);
        return true;
    }

    private async Task PublishAssignedAsync(Guid agentId, QueueTicket ticket, DateTimeOffset at)
    {
        var conversation = await Conversation(ticket.ConversationId).GetAsync();
        await Agent(agentId).PublishAsync(new AgentEvent(AgentEventType.Assigned, ticket.ConversationId, at, ticket.Customer, Answers: conversation?.Answers));
    }

    private async Task<Guid?> HolderAsync(Guid conversationId) =>
        _assigned.TryGetValue(conversationId, out var agentId)
            ? agentId
            : (await Conversation(conversationId).GetAsync())?.AgentId;

    /// <summary>Checks the settings' channels and takes them in the org's routing table; the errors by field, if any.</summary>
    private async Task<ImmutableDictionary<string, string[]>> ClaimAsync(QueueSettings settings)
    {
        var (orgId, queueId) = Key;
        var missing = new List<Guid>();
        foreach (var channelId in settings.ChannelIds)
        {
            if (await GrainFactory.GetGrain<IChannelGrain>(CatalogKeys.Item(orgId, channelId)).GetAsync() is null)
            {
                missing.Add(channelId);
            }
        }

        if (missing.Count > 0)
        {
            return ImmutableDictionary<string, string[]>.Empty.Add("channelIds", [$"No channel {string.Join(", ", missing)} exists."]);
        }

        var taken = await GrainFactory.GetGrain<IRoutingGrain>(orgId).ClaimChannelsAsync(queueId, settings.ChannelIds);
        return taken.IsEmpty
            ? ImmutableDictionary<string, string[]>.Empty
            : ImmutableDictionary<string, string[]>.Empty.Add("channelIds", [$"Channel {string.Join(", ", taken)} already belongs to another queue: a channel's conversations go to one queue."]);
    }

    private StoredItem<QueueSettings>? Stored() =>
        Exists ? new StoredItem<QueueSettings>(Key.QueueId, state.State.Settings!, state.State.Version, state.State.CreatedAt, state.State.UpdatedAt) : null;

    private ICatalogIndexGrain Index => GrainFactory.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(Key.OrgId, CatalogKind.Queue));

    private IAgentGrain Agent(Guid agentId) => GrainFactory.GetGrain<IAgentGrain>(RoutingKeys.Agent(Key.OrgId, agentId));

    private IConversationGrain Conversation(Guid conversationId) =>
        GrainFactory.GetGrain<IConversationGrain>(ConversationKeys.Conversation(Key.OrgId, conversationId));
}

[GenerateSerializer]
public sealed class QueueState
{
    [Id(0)] public QueueSettings? Settings { get; set; }
    [Id(1)] public int Version { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>At most <see cref="QueueGrain.MaxWaiting"/>, in order of <see cref="QueueTicket.WaitingSince"/>.</summary>
    [Id(4)] public List<WaitingTicket> Waiting { get; set; } = [];

    /// <summary>At most <see cref="QueueGrain.MaxAgents"/>: what the agents last reported, kept so a reactivated queue can assign at once.</summary>
    [Id(5)] public Dictionary<Guid, AgentHint> Agents { get; set; } = [];
}

[GenerateSerializer]
public sealed class WaitingTicket
{
    [Id(0)] public QueueTicket Ticket { get; set; } = null!;

    /// <summary>Reassigned for being unanswered: not offered to that agent again.</summary>
    [Id(1)] public Guid? NotTo { get; set; }
}

[GenerateSerializer]
public sealed class AgentHint
{
    [Id(0)] public AgentPresence Presence { get; set; }
    [Id(1)] public int Capacity { get; set; }
    [Id(2)] public int Active { get; set; }
    [Id(3)] public DateTimeOffset IdleSince { get; set; }
}
