using Outbound.Conversations;
using Outbound.Routing;
using Outbound.Sending;

namespace Outbound.Grains.Conversations;

/// <summary>A conversation: its transcript, its queue and the agent who has it.</summary>
public sealed class ConversationGrain(
    [PersistentState("conversation", StorageNames.Conversations)] IPersistentState<ConversationState> state,
    TimeProvider time)
    : Grain, IConversationGrain
{
    private Guid OrgId => Guid.Parse(this.GetPrimaryKeyString().AsSpan(0, 36));

    private Guid ConversationId => Guid.Parse(this.GetPrimaryKeyString().AsSpan(37));

    public async Task<ReceiveResult> ReceiveAsync(InboundMessage message, ConversationOpening? opening)
    {
        var s = state.State;
        if (state.RecordExists && s.Status == ConversationStatus.Closed)
        {
            return ReceiveResult.Closed;
        }

        if (s.Transcript.Any(e => e.ProviderMessageId == message.ProviderMessageId))
        {
            return ReceiveResult.Duplicate;
        }

        var opened = !state.RecordExists;
        if (opened)
        {
            var start = opening ?? new ConversationOpening(message.From, message.ChannelId, message.ChannelType, null);
            s.Customer = start.Customer;
            s.ChannelId = start.ChannelId;
            s.ChannelType = start.ChannelType;
            s.Answers = start.Answers;
            s.OpenedAt = time.GetUtcNow();
            s.Status = ConversationStatus.Waiting;
            s.QueueId = await GrainFactory.GetGrain<IRoutingGrain>(OrgId).QueueForChannelAsync(message.ChannelId);
        }

        s.ProfileName = message.ProfileName ?? s.ProfileName;
        s.LastInboundAt = message.ReceivedAt;
        s.Transcript.Add(new TranscriptEntry(s.Transcript.Count, TranscriptEntryKind.Inbound, message.ReceivedAt, message.Text, null, null, null, message.ProviderMessageId, null));
        await state.WriteStateAsync();
        if (opened && s.QueueId is { } queueId)
        {
            await GrainFactory.GetGrain<IQueueGrain>(RoutingKeys.Queue(OrgId, queueId))
                .EnqueueAsync(new QueueTicket(ConversationId, s.Customer, s.ChannelId, s.OpenedAt));
        }

        return ReceiveResult.Stored;
    }

    public Task<ConversationView?> GetAsync()
    {
        var s = state.State;
        return Task.FromResult(state.RecordExists
            ? new ConversationView(ConversationId, s.Customer, s.ChannelId, s.ChannelType, s.Status, s.QueueId, s.AgentId, s.Answers,
                s.OpenedAt, s.LastInboundAt, s.ClosedAt, [.. s.Transcript], s.ProfileName)
            : null);
    }

    public Task<ImmutableArray<MessageView>> GetTimelineEntriesAsync(ImmutableArray<int> sequences) =>
        Task.FromResult(ImmutableArray<MessageView>.Empty);

    public Task<ReplyResult> ReplyAsync(AgentReply reply) => Task.FromResult(new ReplyResult(ReplyOutcome.NotFound));

    public Task<ConversationChange> TransferAsync(ConversationActor by, TransferTarget target) =>
        Task.FromResult(new ConversationChange(ChangeOutcome.NotFound));

    public Task<ConversationChange> CloseAsync(ConversationActor by) => Task.FromResult(new ConversationChange(ChangeOutcome.NotFound));

    public async Task<bool> AssignAsync(Assignment assignment)
    {
        var s = state.State;
        if (!state.RecordExists || s.Status != ConversationStatus.Waiting || s.QueueId != assignment.QueueId)
        {
            return false;
        }

        s.Status = ConversationStatus.Assigned;
        s.AgentId = assignment.AgentId;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> UnassignAsync(Guid agentId, string reason)
    {
        var s = state.State;
        if (s.Status != ConversationStatus.Assigned || s.AgentId != agentId)
        {
            return false;
        }

        s.Status = ConversationStatus.Waiting;
        s.AgentId = null;
        await state.WriteStateAsync();
        return true;
    }
}

[GenerateSerializer]
public sealed class ConversationState
{
    [Id(0)] public string Customer { get; set; } = "";
    [Id(1)] public Guid ChannelId { get; set; }
    [Id(2)] public Outbound.Catalog.ChannelType ChannelType { get; set; }
    [Id(3)] public ConversationStatus Status { get; set; }
    [Id(4)] public Guid? QueueId { get; set; }
    [Id(5)] public Guid? AgentId { get; set; }
    [Id(6)] public LinkedOutbound? Answers { get; set; }
    [Id(7)] public DateTimeOffset OpenedAt { get; set; }
    [Id(8)] public DateTimeOffset? LastInboundAt { get; set; }
    [Id(9)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(10)] public List<TranscriptEntry> Transcript { get; set; } = [];
    [Id(11)] public string? ProfileName { get; set; }
}
