using Azure;
using Azure.Data.Tables;
using Outbound.Activities;

namespace Outbound.Grains.Activities;

/// <summary>
/// The two indexes over the activity records, which themselves live in their request's <c>SendBatchGrain</c>
/// state (one entity per request), and the layout of their keys, which every <see cref="IActivityStore"/> keeps:
/// <list type="bullet">
/// <item><c>ActivityBatches</c>: one row per request, partition = org, row = acceptance time + batch id, with the
/// configuration and (once the request is settled) its counts per status. Reports, reconciliation and retention
/// are range scans over it.</item>
/// <item><c>ActivityTimeline</c>: one row per shown message per contact and per regarding entity; conversation
/// entries have contact rows too; and per customer and channel, the last configuration message (shown or not) that a
/// reply answers. Partitions are <c>{org}-c{n}</c> / <c>{org}-r{n}</c> for a hash bucket n of the key, so a
/// 100-contact request is at most <see cref="TimelinePartitions"/> batch transactions per index rather than 100
/// writes, and a timeline page is one range query: row = key + inverted time (newest first) + message id.</item>
/// </list>
/// </summary>
public static class ActivityTables
{
    public const string BatchesTable = "ActivityBatches";
    public const string TimelineTable = "ActivityTimeline";

    /// <summary>Hash buckets per org and index: the number of transactions a request costs at most, per index.</summary>
    public const int TimelinePartitions = 4;

    public static string BatchRowKey(DateTimeOffset acceptedAt, Guid batchId) => $"{acceptedAt.UtcTicks:D19}-{batchId:N}";

    /// <summary>The first row key at or after <paramref name="at"/>: the bound of a time range scan.</summary>
    public static string BatchRowKeyBound(DateTimeOffset at) => $"{at.UtcTicks:D19}";

    /// <summary>The partition of the org's request rows.</summary>
    public static string OrgPartition(Guid orgId) => orgId.ToString("N");

    /// <summary>
    /// Where one timeline's rows are: its partition and the row keys in [<see cref="KeyRange.From"/>,
    /// <see cref="KeyRange.End"/>), newest first.
    /// </summary>
    public static KeyRange TimelineRange(Guid orgId, TimelineKind kind, string key)
    {
        var prefix = TimelinePrefix(key);
        // '}' follows '|' in ASCII: the end of every row key that starts with the prefix.
        return new KeyRange(TimelinePartition(orgId, kind, key), prefix, prefix[..^1] + "}");
    }

    /// <summary>
    /// Where a customer's timeline rows of messages accepted in [<paramref name="from"/>, <paramref name="until"/>)
    /// are: a row at exactly <paramref name="until"/> is outside, one at <paramref name="from"/> inside.
    /// </summary>
    public static KeyRange ContactRange(Guid orgId, string number, DateTimeOffset from, DateTimeOffset until)
    {
        var prefix = TimelinePrefix(number);
        // Inverted times: the newest bound is the lowest key.
        return new KeyRange(TimelinePartition(orgId, TimelineKind.Contact, number), prefix + Inverted(until.AddTicks(-1)), prefix + Inverted(from) + "}");
    }

    /// <summary>
    /// The row naming the last message of a configuration sent to <paramref name="customer"/> on
    /// <paramref name="channelId"/>: what a reply on that channel answers, found with one point read. It lives in
    /// the customer's timeline partition, so it shares the request's transactions; its key ('*' never occurs in an
    /// encoded key) sorts outside every timeline's range.
    /// </summary>
    public static TimelineRow LastOutbound(Guid orgId, string customer, Guid channelId, DateTimeOffset acceptedAt, string messageId) => new()
    {
        PartitionKey = TimelinePartition(orgId, TimelineKind.Contact, customer),
        RowKey = LastOutboundKey(customer, channelId),
        MessageId = messageId,
        ChannelId = channelId,
        AcceptedAt = acceptedAt,
        Hidden = true,
    };

    /// <summary>The partition and row key of <see cref="LastOutbound"/>'s row.</summary>
    public static (string PartitionKey, string RowKey) LastOutboundAddress(Guid orgId, string customer, Guid channelId) =>
        (TimelinePartition(orgId, TimelineKind.Contact, customer), LastOutboundKey(customer, channelId));

    /// <summary>
    /// The row of a conversation's transcript entry (a customer's message) in the customer's timeline, beside the
    /// outbound messages: its <see cref="TimelineRow.MessageId"/> is <paramref name="entryId"/>
    /// (<see cref="Outbound.Conversations.ConversationKeys.EntryId"/>), which the timeline resolves through the conversation.
    /// </summary>
    public static TimelineRow ConversationEntry(Guid orgId, string customer, DateTimeOffset at, string entryId, Guid channelId)
    {
        var row = TimelineEntry(orgId, TimelineKind.Contact, customer, at, entryId);
        row.ChannelId = channelId;
        return row;
    }

    /// <summary>The timeline entry of one message, in the contact's or the regarding entity's timeline.</summary>
    public static TimelineRow TimelineEntry(Guid orgId, TimelineKind kind, string key, DateTimeOffset acceptedAt, string messageId) => new()
    {
        PartitionKey = TimelinePartition(orgId, kind, key),
        RowKey = $"{TimelinePrefix(key)}{Inverted(acceptedAt)}|{messageId}",
        MessageId = messageId,
    };

    private static string LastOutboundKey(string customer, Guid channelId) => $"{TimelineKeys.Encode(customer)}*{channelId:N}";

    // Newest first: row keys sort ascending.
    private static string Inverted(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static string TimelinePartition(Guid orgId, TimelineKind kind, string key) =>
        $"{orgId:N}-{(kind == TimelineKind.Contact ? 'c' : 'r')}{StableHash(key) % TimelinePartitions}";

    // Escaped so '/', '\', '#', '?' (not allowed in row keys) and our '|' separator cannot occur inside the key;
    // bounded so an over-long key stored earlier still indexes (and expires) instead of failing every try.
    private static string TimelinePrefix(string key) => TimelineKeys.Encode(key) + "|";

    /// <summary>FNV-1a: stable across processes and versions, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

/// <summary>Row keys in [<paramref name="From"/>, <paramref name="End"/>) of one partition.</summary>
public readonly record struct KeyRange(string Partition, string From, string End);

/// <summary>One request in the <c>ActivityBatches</c> index.</summary>
public sealed class BatchRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public Guid BatchId { get; set; }
    public Guid ConfigurationId { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>The campaign that sent the request; null (no property) for any other request.</summary>
    public Guid? CampaignId { get; set; }

    /// <summary>Every message has a final status; the counts below are then current.</summary>
    public bool Settled { get; set; }

    public int Accepted { get; set; }
    public int Sending { get; set; }
    public int Sent { get; set; }
    public int Delivered { get; set; }
    public int Undelivered { get; set; }
    public int Failed { get; set; }
    public int Read { get; set; }
    public int Unknown { get; set; }

    /// <summary>Held for quiet hours; absent (0) in rows written before the status existed.</summary>
    public int Scheduled { get; set; }

    public static BatchRow For(Guid orgId, Guid batchId, Guid configurationId, DateTimeOffset acceptedAt, StatusCounts counts, bool settled, Guid? campaignId = null) => new()
    {
        PartitionKey = orgId.ToString("N"),
        RowKey = ActivityTables.BatchRowKey(acceptedAt, batchId),
        BatchId = batchId,
        ConfigurationId = configurationId,
        CampaignId = campaignId,
        AcceptedAt = acceptedAt,
        Settled = settled,
        Accepted = counts.Accepted,
        Sending = counts.Sending,
        Sent = counts.Sent,
        Delivered = counts.Delivered,
        Undelivered = counts.Undelivered,
        Failed = counts.Failed,
        Read = counts.Read,
        Unknown = counts.Unknown,
        Scheduled = counts.Scheduled,
    };

    public StatusCounts ToCounts() => new(Accepted, Sending, Sent, Delivered, Undelivered, Failed, Read, Unknown) { Scheduled = Scheduled };
}

/// <summary>One message in a contact's or a regarding entity's timeline.</summary>
public sealed class TimelineRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MessageId { get; set; } = "";

    /// <summary>The channel of the message (its configuration's); null in rows written before channels were recorded.</summary>
    public Guid? ChannelId { get; set; }

    /// <summary>Not shown in the timeline: a last-outbound row, or a message whose configuration did not show there (written by older versions).</summary>
    public bool Hidden { get; set; }

    /// <summary>When the message was accepted; set in last-outbound rows only.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }
}
