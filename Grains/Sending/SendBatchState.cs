using Outbound.Catalog;
using Outbound.Orgs;
using Outbound.Channels;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Grains.Sending;

/// <summary>
/// A send request as stored at acceptance, and written only then: the receipt it was answered with and every
/// accepted message. What changes afterwards (the messages' statuses, <see cref="Completed"/>, <see cref="Indexed"/>,
/// <see cref="RoundsRecorded"/>) is stored in <see cref="SendBatchProgress"/> and laid over this at activation;
/// in memory this object is always current.
/// </summary>
[GenerateSerializer]
public sealed class SendBatchState
{
    [Id(0)] public string RequestHash { get; set; } = "";
    [Id(1)] public Guid ConfigurationId { get; set; }
    [Id(2)] public ProviderKind Provider { get; set; }
    [Id(3)] public DateTimeOffset AcceptedAt { get; set; }
    [Id(4)] public List<ContactResult> Results { get; set; } = [];
    [Id(5)] public List<OutboundMessage> Messages { get; set; } = [];

    /// <summary>Every message has reached a terminal send state; the delivery reminder is gone.</summary>
    [Id(6)] public bool Completed { get; set; }

    // What produced the messages, kept with them as their activity record (the catalog may change later).
    [Id(7)] public Guid TemplateId { get; set; }
    [Id(8)] public Guid ChannelId { get; set; }
    [Id(9)] public ChannelType ChannelType { get; set; }
    [Id(10)] public bool ShowInTimeline { get; set; }

    /// <summary>The request's rows are in the activity indexes (reports, timeline); written once, off the accept path.</summary>
    [Id(11)] public bool Indexed { get; set; }

    /// <summary>The last provider round whose outcomes are stored (see <see cref="InFlightRound"/>).</summary>
    [Id(12)] public int RoundsRecorded { get; set; }

    /// <summary>
    /// Until when messages are retried: acceptance plus the org's delivery deadline. Null in batches stored before
    /// deadlines existed: <see cref="OrgSettings.DefaultDeliveryDeadlineHours"/> after <see cref="AcceptedAt"/>.
    /// </summary>
    [Id(13)] public DateTimeOffset? Deadline { get; set; }

    /// <summary>
    /// Set for a direct message (<see cref="SendRequest.Direct"/>): why it was sent. Its channel is then
    /// <see cref="ChannelId"/> alone, with no configuration and no fallback; null for a configuration's batch.
    /// </summary>
    [Id(14)] public DirectPurpose? Purpose { get; set; }

    /// <summary>A direct message's conversation, if any.</summary>
    [Id(15)] public Guid? ConversationId { get; set; }

    /// <summary>
    /// Indexed with a last-outbound row per customer instead of a hidden timeline row: false in batches stored
    /// before, whose hidden rows expiry still removes.
    /// </summary>
    [Id(16)] public bool LinkRows { get; set; }

    /// <summary>The campaign that sent the request, if one did: its index row names it, so reports can filter by it.</summary>
    [Id(17)] public Guid? CampaignId { get; set; }

    /// <summary>The accepting request's W3C trace context: delivery and status reports continue its trace. Null when it was not traced.</summary>
    [Id(18)] public string? TraceParent { get; set; }

    /// <summary>When messages still waiting stop being retried and end failed (expired); counted from the latest quiet-hours hold, if any.</summary>
    public DateTimeOffset RetryUntil => Deadline ?? AcceptedAt + new OrgSettings().DeliveryDeadline;
}

/// <summary>
/// The provider round under way, stored before its requests leave. A round newer than
/// <see cref="SendBatchState.RoundsRecorded"/> found at activation died in flight: its messages may have been sent.
/// </summary>
[GenerateSerializer]
public sealed class InFlightRound
{
    [Id(0)] public int Round { get; set; }
    [Id(1)] public List<int> Indices { get; set; } = [];

    /// <summary>When the round began: none of its provider calls can run past this plus <see cref="DeliveryTiming.SettleAfter"/>.</summary>
    [Id(2)] public DateTimeOffset StartedAt { get; set; }
}

/// <summary>One accepted message and its send progress.</summary>
[GenerateSerializer]
public sealed class OutboundMessage
{
    /// <summary>The contact's position in the request; part of the message id.</summary>
    [Id(0)] public int Index { get; set; }

    /// <summary>What goes to the provider, rendered at acceptance; the same value (ACS repeatability ids included) on every attempt.</summary>
    [Id(1)] public ProviderMessage Message { get; set; } = null!;
    [Id(2)] public string Locale { get; set; } = "";
    [Id(3)] public string? RegardingEntity { get; set; }
    [Id(4)] public MessageStatus Status { get; set; }
    [Id(5)] public int Attempts { get; set; }
    [Id(6)] public string? ProviderMessageId { get; set; }
    [Id(7)] public string? ErrorCode { get; set; }
    [Id(8)] public string? ErrorMessage { get; set; }

    /// <summary>Sent again while an earlier attempt's outcome was unknown and unsettled: the customer may have it twice.</summary>
    [Id(9)] public bool Ambiguous { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(11)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(12)] public List<StatusChange> History { get; set; } = [];

    /// <summary>
    /// When an attempt whose outcome is unknown began (a timeout after the request left, a crash mid-call); null
    /// when every attempt's outcome is known. Before the message is sent again it is settled: looked up at the
    /// provider, or, where the provider deduplicates resends, sent again through the same provider.
    /// </summary>
    [Id(13)] public DateTimeOffset? UnknownSince { get; set; }

    /// <summary>
    /// When the current run of failures on the channel that carries the message began (retryable answers, unknown
    /// outcomes, its provider down); null when there is none. It moves a message to the fallback channel, and
    /// stretches the wait while a provider stays down.
    /// </summary>
    [Id(14)] public DateTimeOffset? RetryingSince { get; set; }

    /// <summary>
    /// The configuration's fallback channel carries this message (and keeps carrying it: a message changes channel
    /// at most once); null: its own channel does.
    /// </summary>
    [Id(15)] public Guid? FallbackChannelId { get; set; }

    /// <summary>The provider of <see cref="FallbackChannelId"/>.</summary>
    [Id(16)] public ProviderKind? FallbackProvider { get; set; }

    /// <summary>
    /// Accepted during quiet hours: not sent before this (the end of quiet hours in every time zone of the
    /// recipient); null when it was free to go at once. Fixed at acceptance, so stored with the batch only.
    /// </summary>
    [Id(17)] public DateTimeOffset? NotBefore { get; set; }

    /// <summary>A message's history keeps its first steps and its latest: a day of retries must not outgrow the batch's entity.</summary>
    public const int MaxHistory = 40;

    /// <summary>Whether the message waits for an attempt: accepted (or retrying), or held for quiet hours.</summary>
    public bool IsWaiting => Status is MessageStatus.Accepted or MessageStatus.Scheduled;

    /// <summary>Held for quiet hours at acceptance: <c>scheduled</c> instead of <c>accepted</c>, first attempted at <paramref name="notBefore"/>.</summary>
    public void Hold(DateTimeOffset notBefore, DateTimeOffset now)
    {
        NotBefore = notBefore;
        NextAttemptAt = notBefore;
        History.Clear();
        MoveTo(MessageStatus.Scheduled, now);
    }

    /// <summary>Moves to <paramref name="status"/> and records the step in the history.</summary>
    public void MoveTo(MessageStatus status, DateTimeOffset at, string? errorCode = null)
    {
        Status = status;
        UpdatedAt = at;
        History.Add(new StatusChange(status, at, errorCode));
        if (History.Count > MaxHistory)
        {
            // The acceptance and the first attempts stay; the oldest retries in between go.
            History.RemoveAt(MaxHistory / 2);
        }
    }
}

/// <summary>
/// The batch's progress, stored apart from <see cref="SendBatchState"/>: that entity is written once, at
/// acceptance, with the rendered messages; every later write (provider rounds, status reports, completion) stores
/// only this, well under half the bytes. Absent, the batch entity's own statuses are current: the batch
/// is fresh, or was stored before the split.
/// </summary>
[GenerateSerializer]
public sealed class SendBatchProgress
{
    [Id(0)] public int RoundsRecorded { get; set; }
    [Id(1)] public bool Completed { get; set; }
    [Id(2)] public bool Indexed { get; set; }
    [Id(3)] public List<MessageProgress> Messages { get; set; } = [];

    public static SendBatchProgress Of(SendBatchState batch) => new()
    {
        RoundsRecorded = batch.RoundsRecorded,
        Completed = batch.Completed,
        Indexed = batch.Indexed,
        Messages = [.. batch.Messages.Select(MessageProgress.Of)],
    };

    /// <summary>Brings the batch, as stored at acceptance, up to this progress.</summary>
    public void ApplyTo(SendBatchState batch)
    {
        batch.RoundsRecorded = RoundsRecorded;
        batch.Completed = Completed;
        batch.Indexed = Indexed;
        var byIndex = batch.Messages.ToDictionary(m => m.Index);
        foreach (var message in Messages)
        {
            if (byIndex.TryGetValue(message.Index, out var accepted))
            {
                message.ApplyTo(accepted);
            }
        }
    }
}

/// <summary>What changes of one message after acceptance: its <see cref="OutboundMessage"/> without the content.</summary>
[GenerateSerializer]
public sealed class MessageProgress
{
    [Id(0)] public int Index { get; set; }
    [Id(1)] public MessageStatus Status { get; set; }
    [Id(2)] public int Attempts { get; set; }
    [Id(3)] public string? ProviderMessageId { get; set; }
    [Id(4)] public string? ErrorCode { get; set; }
    [Id(5)] public string? ErrorMessage { get; set; }
    [Id(6)] public bool Ambiguous { get; set; }
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(8)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(9)] public List<StatusChange> History { get; set; } = [];
    [Id(10)] public DateTimeOffset? UnknownSince { get; set; }
    [Id(11)] public DateTimeOffset? RetryingSince { get; set; }
    [Id(12)] public Guid? FallbackChannelId { get; set; }
    [Id(13)] public ProviderKind? FallbackProvider { get; set; }

    /// <remarks>The history is copied: writes may overlap status reports that add to it.</remarks>
    public static MessageProgress Of(OutboundMessage message) => new()
    {
        Index = message.Index,
        Status = message.Status,
        Attempts = message.Attempts,
        ProviderMessageId = message.ProviderMessageId,
        ErrorCode = message.ErrorCode,
        ErrorMessage = message.ErrorMessage,
        Ambiguous = message.Ambiguous,
        UpdatedAt = message.UpdatedAt,
        NextAttemptAt = message.NextAttemptAt,
        History = [.. message.History],
        UnknownSince = message.UnknownSince,
        RetryingSince = message.RetryingSince,
        FallbackChannelId = message.FallbackChannelId,
        FallbackProvider = message.FallbackProvider,
    };

    public void ApplyTo(OutboundMessage message)
    {
        message.Status = Status;
        message.Attempts = Attempts;
        message.ProviderMessageId = ProviderMessageId;
        message.ErrorCode = ErrorCode;
        message.ErrorMessage = ErrorMessage;
        message.Ambiguous = Ambiguous;
        message.UpdatedAt = UpdatedAt;
        message.NextAttemptAt = NextAttemptAt;
        message.History = History;
        message.UnknownSince = UnknownSince;
        message.RetryingSince = RetryingSince;
        message.FallbackChannelId = FallbackChannelId;
        message.FallbackProvider = FallbackProvider;
    }
}
