using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Contacts;
using Outbound.Grains.Activities;
using Outbound.Conversations;
using Outbound.Grains.Storage;
using Outbound.Routing;
using Outbound.Sending;

namespace Outbound.Grains.Conversations;

/// <summary>
/// A conversation: its transcript, its queue and the agent who has it. Every change is stored before it is
/// acknowledged; replies are accepted by the send path (a send batch of one) before they join the transcript.
/// </summary>
/// <remarks>
/// The queue calls <see cref="AssignAsync"/> and <see cref="UnassignAsync"/> while this grain may be waiting on
/// the queue (a new conversation's enqueue, a transfer), so those two interleave: every method re-reads the state
/// after each await instead of trusting what it saw before.
/// </remarks>
public sealed class ConversationGrain : Grain, IConversationGrain
{
    /// <summary>Entries a transcript holds at most; the customer's next message then opens a new conversation.</summary>
    public const int MaxTranscriptEntries = 500;

    /// <summary>WhatsApp's customer service window: free-form replies only this long after the customer's last message.</summary>
    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    // Idempotency keys of replies remembered per conversation: enough for any client's retries.
    private const int MaxReplyKeys = 100;

    private readonly IPersistentState<ConversationState> state;
    private readonly TimeProvider time;
    private readonly ConversationIndex index;
    private readonly IActivityStore activities;
    private readonly ILogger<ConversationGrain> logger;
    private readonly CoalescingWriter _writer;
    private Guid _orgId;
    private Guid _conversationId;

    public ConversationGrain(
        [PersistentState("conversation", StorageNames.Conversations)] IPersistentState<ConversationState> state,
        TimeProvider time,
        ConversationIndex index,
        IActivityStore activities,
        ILogger<ConversationGrain> logger)
    {
        this.state = state;
        this.time = time;
        this.index = index;
        this.activities = activities;
        this.logger = logger;
        _writer = new CoalescingWriter(state.WriteOwnStateAsync, time);
    }

    private ConversationState S => state.State;

    private bool Exists => state.RecordExists || S.Customer.Length > 0;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _orgId = Guid.Parse(key.AsSpan(0, 36));
        _conversationId = Guid.Parse(key.AsSpan(37));
        if (state.RecordExists && S.IndexedVersion < S.Version)
        {
            // A change stored before a crash whose index row was not: bring the row up to date.
            _ = IndexAsync();
        }

        if (state.RecordExists && S.TimelineThrough < LastInboundSequence())
        {
            _ = IndexTimelineAsync();
        }

        return Task.CompletedTask;
    }

    public async Task<ReceiveResult> ReceiveAsync(InboundMessage message, ConversationOpening? opening)
    {
        if (!Exists && opening is null)
        {
            // Only the contact opens a conversation; a message for one that never opened belongs in a new one.
            return ReceiveResult.Closed;
        }

        if (S.Status == ConversationStatus.Closed && Exists)
        {
            return ReceiveResult.Closed;
        }

        if (S.Transcript.Any(e => e.ProviderMessageId == message.ProviderMessageId))
        {
            if (opening is not null && S is { Status: ConversationStatus.Waiting, QueueId: { } waitingIn })
            {
                // The opening message again: the first delivery may have failed before its queue had the conversation.
                await Queue(waitingIn).EnqueueAsync(new QueueTicket(_conversationId, S.Customer, S.ChannelId, S.OpenedAt));
            }

            return ReceiveResult.Duplicate;
        }

        if (S.Transcript.Count >= MaxTranscriptEntries - 1)
        {
            await CloseAsync(null, "The transcript is full: the customer's next message opens a new conversation.");
            return ReceiveResult.Closed;
        }

        var opened = !Exists;
        if (opened)
        {
            S.Customer = opening!.Customer;
            S.ChannelId = opening.ChannelId;
            S.ChannelType = opening.ChannelType;
            S.Answers = opening.Answers;
            S.OpenedAt = time.GetUtcNow();
            S.Status = ConversationStatus.Waiting;
            S.QueueId = await GrainFactory.GetGrain<IRoutingGrain>(_orgId).QueueForChannelAsync(opening.ChannelId);
        }

        S.ProfileName = message.ProfileName ?? S.ProfileName;
        S.LastInboundAt = message.ReceivedAt;
        var entry = Add(TranscriptEntryKind.Inbound, message.ReceivedAt, message.Text, providerMessageId: message.ProviderMessageId);
        await _writer.WriteAsync();

        if (opened && S.QueueId is { } queueId)
        {
            // Stored first: a crash before the queue has it leaves a waiting conversation an admin can see and move.
            await Queue(queueId).EnqueueAsync(new QueueTicket(_conversationId, S.Customer, S.ChannelId, S.OpenedAt));
        }
        else if (S is { Status: ConversationStatus.Assigned, AgentId: { } agentId })
        {
            await PublishAsync(agentId, AgentEventType.Message, entry);
        }

        _ = IndexAsync();
        _ = IndexTimelineAsync();
        return ReceiveResult.Stored;
    }

    public Task<ConversationView?> GetAsync() => Task.FromResult(Exists
        ? new ConversationView(_conversationId, S.Customer, S.ChannelId, S.ChannelType, S.Status, S.QueueId, S.AgentId, S.Answers,
            S.OpenedAt, S.LastInboundAt, S.ClosedAt, [.. S.Transcript], S.ProfileName)
        : null);

    public Task<ImmutableArray<MessageView>> GetTimelineEntriesAsync(ImmutableArray<int> sequences) => Task.FromResult(
        sequences
            .Where(i => i >= 0 && i < S.Transcript.Count && S.Transcript[i].Kind == TranscriptEntryKind.Inbound)
            .Select(i => InboundView(S.Transcript[i]))
            .ToImmutableArray());

    public async Task<ReplyResult> ReplyAsync(AgentReply reply)
    {
        if (!Exists)
        {
            return new ReplyResult(ReplyOutcome.NotFound);
        }

        if (reply.IdempotencyKey is { } key && S.Replies.FirstOrDefault(r => r.Key == key) is { } earlier)
        {
            return new ReplyResult(ReplyOutcome.Sent, earlier.MessageId);
        }

        if (S.Status == ConversationStatus.Closed)
        {
            return new ReplyResult(ReplyOutcome.Closed);
        }

        if (reply.By.AgentId is { } agentId && S.AgentId != agentId)
        {
            return new ReplyResult(ReplyOutcome.NotYours);
        }

        if (ContentProblem(reply) is { } problem)
        {
            return new ReplyResult(ReplyOutcome.Invalid, Reason: problem);
        }

        var now = time.GetUtcNow();
        if (S.ChannelType == ChannelType.WhatsApp && reply.ContentSid is null && !(now - S.LastInboundAt < WhatsAppWindow))
        {
            return new ReplyResult(ReplyOutcome.OutsideWindow);
        }

        // Opted in: the customer wrote to us; whether they opted out since is the send path's decision.
        var request = new SendRequest(Guid.Empty, [new SendContact(S.Customer, true, null, ImmutableDictionary<string, string>.Empty, null)])
        {
            Direct = Direct(reply),
        };
        var batchId = reply.IdempotencyKey is { } idempotencyKey ? BatchIdFor(idempotencyKey) : Guid.CreateVersion7(now);
        var receipt = await GrainFactory.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(_orgId, batchId)).AcceptAsync(request, Hash(reply));
        if (receipt.Status != ReceiptStatus.Accepted)
        {
            return new ReplyResult(ReplyOutcome.Refused, Receipt: receipt);
        }

        var result = receipt.Results[0];
        switch (result.Status)
        {
            case ContactStatus.SkippedOptedOut or ContactStatus.SkippedNoOptIn:
                return new ReplyResult(ReplyOutcome.OptedOut);
            case ContactStatus.Invalid:
                return new ReplyResult(ReplyOutcome.Invalid, Reason: result.Reason);
        }

        // Accepted (and so durable) before it joins the transcript: a crash in between loses only the entry, and a
        // retry with the same Idempotency-Key replays the accepted message instead of sending it again.
        var messageId = result.MessageId!;
        if (S.Transcript.All(e => e.MessageId != messageId))
        {
            Add(TranscriptEntryKind.Agent, now, reply.Text, reply.ContentSid, reply.ContentVariables, messageId: messageId, agentId: reply.By.AgentId);
        }

        if (reply.IdempotencyKey is { } replyKey)
        {
            S.Replies.Add(new ReplyKey(replyKey, messageId));
            if (S.Replies.Count > MaxReplyKeys)
            {
                S.Replies.RemoveAt(0);
            }
        }

        var firstAnswer = !S.Answered && S.Status == ConversationStatus.Assigned;
        S.Answered = true;
        await _writer.WriteAsync();
        if (firstAnswer && S.QueueId is { } queueId)
        {
            await Queue(queueId).AnsweredAsync(_conversationId);
        }

        _ = IndexAsync();
        return new ReplyResult(ReplyOutcome.Sent, messageId);
    }

    public async Task<ConversationChange> TransferAsync(ConversationActor by, TransferTarget target)
    {
        if (Refusal(by) is { } refusal)
        {
            return refusal;
        }

        var ticket = new QueueTicket(_conversationId, S.Customer, S.ChannelId, time.GetUtcNow());
        if (target.AgentId is { } agentId)
        {
            return await TransferToAgentAsync(agentId, ticket);
        }

        var queueId = target.QueueId!.Value;
        var (previousQueue, previousAgent) = (S.QueueId, S.AgentId);
        S.Status = ConversationStatus.Waiting;
        S.QueueId = queueId;
        S.AgentId = null;
        S.Answered = false;
        Add(TranscriptEntryKind.Event, ticket.WaitingSince, "transferred", agentId: previousAgent);
        await _writer.WriteAsync();
        if (previousQueue is { } left)
        {
            await Queue(left).ReleaseAsync(_conversationId);
        }

        await Queue(queueId).EnqueueAsync(ticket);
        if (previousAgent is { } agent)
        {
            await PublishAsync(agent, AgentEventType.Transferred, null);
        }

        _ = IndexAsync();
        return new ConversationChange(ChangeOutcome.Done);
    }

    /// <summary>
    /// The queue decides, as for every assignment: it takes a slot of the new agent (and tells them); the
    /// conversation then records the agent and gives the previous one's slot back.
    /// </summary>
    private async Task<ConversationChange> TransferToAgentAsync(Guid agentId, QueueTicket ticket)
    {
        if (S.QueueId is not { } queueId || S.AgentId == agentId || !await Queue(queueId).AssignToAsync(ticket, agentId))
        {
            return new ConversationChange(ChangeOutcome.TargetUnavailable, $"Agent '{agentId}' does not serve this conversation's queue, or is not available with free capacity.");
        }

        var previous = S.AgentId;
        S.Status = ConversationStatus.Assigned;
        S.AgentId = agentId;
        S.AssignedAt = ticket.WaitingSince;
        S.Answered = false;
        Add(TranscriptEntryKind.Event, ticket.WaitingSince, "transferred", agentId: agentId);
        await _writer.WriteAsync();
        if (previous is { } before)
        {
            await GrainFactory.GetGrain<IAgentGrain>(RoutingKeys.Agent(_orgId, before)).ReleaseAsync(_conversationId);
            await PublishAsync(before, AgentEventType.Transferred, null);
        }

        _ = IndexAsync();
        return new ConversationChange(ChangeOutcome.Done);
    }

    public async Task<ConversationChange> CloseAsync(ConversationActor by) =>
        Refusal(by) ?? await CloseAsync(by.AgentId, "closed");

    public async Task<bool> AssignAsync(Assignment assignment)
    {
        if (!Exists || S.Status == ConversationStatus.Closed || S.QueueId != assignment.QueueId)
        {
            return false;
        }

        if (S.Status == ConversationStatus.Assigned && S.AgentId == assignment.AgentId)
        {
            return true;
        }

        var previous = S.AgentId;
        S.Status = ConversationStatus.Assigned;
        S.AgentId = assignment.AgentId;
        S.AssignedAt = assignment.AssignedAt;
        S.Answered = false;
        Add(TranscriptEntryKind.Event, assignment.AssignedAt, "assigned", agentId: assignment.AgentId);
        await _writer.WriteAsync();
        // The queue tells the new agent (it decided); the previous one hears it lost the conversation.
        if (previous is { } before && before != assignment.AgentId)
        {
            await PublishAsync(before, AgentEventType.Transferred, null);
        }

        _ = IndexAsync();
        return true;
    }

    public async Task<bool> UnassignAsync(Guid agentId, string reason)
    {
        if (S.Status != ConversationStatus.Assigned || S.AgentId != agentId)
        {
            return false;
        }

        S.Status = ConversationStatus.Waiting;
        S.AgentId = null;
        S.Answered = false;
        Add(TranscriptEntryKind.Event, time.GetUtcNow(), $"requeued: {reason}", agentId: agentId);
        await _writer.WriteAsync();
        // The agent that gave it up tells its own screen.
        _ = IndexAsync();
        return true;
    }

    private ConversationChange? Refusal(ConversationActor by) =>
        !Exists ? new ConversationChange(ChangeOutcome.NotFound)
        : S.Status == ConversationStatus.Closed ? new ConversationChange(ChangeOutcome.Closed)
        : by.AgentId is { } agentId && S.AgentId != agentId ? new ConversationChange(ChangeOutcome.NotYours)
        : null;

    private async Task<ConversationChange> CloseAsync(Guid? byAgent, string reason)
    {
        var (queueId, agentId) = (S.QueueId, S.AgentId);
        S.Status = ConversationStatus.Closed;
        S.ClosedAt = time.GetUtcNow();
        Add(TranscriptEntryKind.Event, S.ClosedAt.Value, reason, agentId: byAgent);
        await _writer.WriteAsync();

        // Stored first: the contact then opens a new conversation for the next message, the agent's slot frees.
        await GrainFactory.GetGrain<IContactGrain>(ContactKeys.Contact(_orgId, S.Customer)).ConversationClosedAsync(S.ChannelId, _conversationId);
        if (queueId is { } queue)
        {
            await Queue(queue).ReleaseAsync(_conversationId);
        }

        if (agentId is { } agent)
        {
            await PublishAsync(agent, AgentEventType.Closed, null);
        }

        _ = IndexAsync();
        return new ConversationChange(ChangeOutcome.Done);
    }

    private TranscriptEntry Add(
        TranscriptEntryKind kind, DateTimeOffset at, string? text, string? contentSid = null, ImmutableDictionary<string, string>? contentVariables = null,
        string? messageId = null, string? providerMessageId = null, Guid? agentId = null)
    {
        var entry = new TranscriptEntry(S.Transcript.Count, kind, at, text, contentSid, contentVariables, messageId, providerMessageId, agentId);
        S.Transcript.Add(entry);
        S.Version++;
        return entry;
    }

    private MessageView InboundView(TranscriptEntry entry) => new(
        ConversationKeys.EntryId(_conversationId, entry.Sequence),
        S.Answers?.ConfigurationId ?? Guid.Empty,
        S.Customer,
        MessageStatus.Received,
        0,
        ProviderOf(entry),
        entry.ProviderMessageId,
        null,
        null,
        false,
        entry.At,
        entry.At,
        [new StatusChange(MessageStatus.Received, entry.At, null)])
    {
        Direction = MessageDirection.Inbound,
        ConversationId = _conversationId,
        Activity = new MessageActivity(Guid.Empty, S.ChannelId, S.ChannelType, "", S.Answers?.RegardingEntity, entry.Text, null, null, true),
    };

    // Twilio's ids start with SM/MM; ACS's are GUIDs or "Incoming_…".
    private static ProviderKind ProviderOf(TranscriptEntry entry) =>
        entry.ProviderMessageId is { } id && (id.StartsWith("SM", StringComparison.Ordinal) || id.StartsWith("MM", StringComparison.Ordinal))
            ? ProviderKind.Twilio
            : ProviderKind.AzureCommunicationServices;

    /// <summary>What is wrong with the reply's content for this channel (the send path's own rules), naming the field.</summary>
    private string? ContentProblem(AgentReply reply) =>
        (reply.Text is null) == (reply.ContentSid is null)
            ? "text: a reply is text, or a WhatsApp template (contentSid with contentVariables)."
            : DirectMessageRules.Validate(Direct(reply), S.ChannelType);

    private DirectMessage Direct(AgentReply reply) =>
        new(S.ChannelId, DirectPurpose.Reply, reply.Text, reply.ContentSid, reply.ContentVariables, _conversationId);

    /// <summary>Tells an agent's screen about a message, a transfer or a close (the queue announces assignments).</summary>
    private async Task PublishAsync(Guid agentId, AgentEventType type, TranscriptEntry? entry)
    {
        try
        {
            await GrainFactory.GetGrain<IAgentGrain>(RoutingKeys.Agent(_orgId, agentId))
                .PublishAsync(new AgentEvent(type, _conversationId, time.GetUtcNow(), S.Customer, entry));
        }
        catch (Exception e)
        {
            // Live events are a view: the agent's conversation list and the transcript stay the record.
            logger.LogWarning(e, "Publishing {Type} of conversation {ConversationId} to agent {AgentId} failed", type, _conversationId, agentId);
        }
    }

    /// <summary>Brings the conversation's index row up to date; off the acknowledgement path, retried on the next change or activation.</summary>
    private async Task IndexAsync()
    {
        var version = S.Version;
        try
        {
            await index.UpsertAsync(_orgId, new ConversationRow
            {
                ConversationId = _conversationId,
                Customer = S.Customer,
                ChannelId = S.ChannelId,
                Status = (int)S.Status,
                QueueId = S.QueueId,
                AgentId = S.AgentId,
                OpenedAt = S.OpenedAt,
                LastMessageAt = S.Transcript.Count > 0 ? S.Transcript[^1].At : S.OpenedAt,
            });
            if (version > S.IndexedVersion)
            {
                // Stored with the next change; at worst a reactivation writes the row once more.
                S.IndexedVersion = version;
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Indexing conversation {ConversationId} failed; retried on its next change", _conversationId);
        }
    }

    private int LastInboundSequence() => S.Transcript.FindLastIndex(e => e.Kind == TranscriptEntryKind.Inbound);

    /// <summary>
    /// Puts the customer's messages on their timeline beside the outbound ones (replies are there already, as the
    /// send path's messages). Off the acknowledgement path; what is not indexed yet is retried on the next message
    /// or activation.
    /// </summary>
    private async Task IndexTimelineAsync()
    {
        var through = LastInboundSequence();
        var rows = S.Transcript
            .Skip(S.TimelineThrough + 1)
            .Where(e => e.Kind == TranscriptEntryKind.Inbound)
            .Select(e => ActivityTables.ConversationEntry(_orgId, S.Customer, e.At, ConversationKeys.EntryId(_conversationId, e.Sequence), S.ChannelId))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(rows.Select(activities.UpsertTimelineRowAsync));
            S.TimelineThrough = Math.Max(S.TimelineThrough, through);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Adding conversation {ConversationId} to the customer's timeline failed; retried on its next message", _conversationId);
        }
    }

    private IQueueGrain Queue(Guid queueId) => GrainFactory.GetGrain<IQueueGrain>(RoutingKeys.Queue(_orgId, queueId));

    /// <summary>The same key in the same conversation always names the same send batch, so a retry replays it.</summary>
    private Guid BatchIdFor(string idempotencyKey) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{_orgId:N}:conversation:{_conversationId:N}:{idempotencyKey}")).AsSpan(0, 16));

    private static string Hash(AgentReply reply) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"{reply.Text}\u0000{reply.ContentSid}\u0000{string.Join("\u0000", (reply.ContentVariables ?? ImmutableDictionary<string, string>.Empty).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"))}")));
}

[GenerateSerializer]
public sealed class ConversationState
{
    [Id(0)] public string Customer { get; set; } = "";
    [Id(1)] public Guid ChannelId { get; set; }
    [Id(2)] public ChannelType ChannelType { get; set; }
    [Id(3)] public ConversationStatus Status { get; set; }
    [Id(4)] public Guid? QueueId { get; set; }
    [Id(5)] public Guid? AgentId { get; set; }
    [Id(6)] public LinkedOutbound? Answers { get; set; }
    [Id(7)] public DateTimeOffset OpenedAt { get; set; }
    [Id(8)] public DateTimeOffset? LastInboundAt { get; set; }
    [Id(9)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(10)] public List<TranscriptEntry> Transcript { get; set; } = [];
    [Id(11)] public string? ProfileName { get; set; }
    [Id(12)] public DateTimeOffset? AssignedAt { get; set; }

    /// <summary>The assigned agent has replied since the assignment.</summary>
    [Id(13)] public bool Answered { get; set; }

    /// <summary>Idempotency keys of replies and the messages they sent, oldest first.</summary>
    [Id(14)] public List<ReplyKey> Replies { get; set; } = [];

    /// <summary>Counts changes; <see cref="IndexedVersion"/> is the last one the index row shows.</summary>
    [Id(15)] public int Version { get; set; }
    [Id(16)] public int IndexedVersion { get; set; }

    /// <summary>The last transcript entry whose timeline row is written (inbound entries only have one).</summary>
    [Id(17)] public int TimelineThrough { get; set; } = -1;
}

[GenerateSerializer]
public sealed record ReplyKey([property: Id(0)] string Key, [property: Id(1)] string MessageId);
