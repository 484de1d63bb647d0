using Outbound.Orgs;

namespace Outbound.Sending;

/// <summary>One contact of a send request, with the seed's field names in the HTTP API.</summary>
/// <param name="To">The customer's phone number (<c>tocontactid</c>), E.164.</param>
/// <param name="OptIn">Whether the customer agreed to be contacted (<c>optin</c>).</param>
/// <param name="Locale">SMS only: the customer's language; the template's fallback chain applies.</param>
/// <param name="ContextItems">Slug values for this customer (<c>contextitems</c>).</param>
/// <param name="EntityRelationshipName">What the message is regarding, for the timeline (<c>entityrelationshipname</c>).</param>
[GenerateSerializer, Immutable, Alias("Outbound.SendContact")]
public sealed record SendContact(
    [property: Id(0)] string To,
    [property: Id(1)] bool OptIn,
    [property: Id(2)] string? Locale,
    [property: Id(3)] ImmutableDictionary<string, string> ContextItems,
    [property: Id(4)] string? EntityRelationshipName);

/// <summary>
/// A contact list sent against one outbound configuration; or, with <see cref="Direct"/>, one message written for
/// one customer (an agent's reply, a keyword's confirmation) through a channel, with no configuration.
/// </summary>
[GenerateSerializer, Immutable, Alias("Outbound.SendRequest")]
public sealed record SendRequest(
    [property: Id(0)] Guid ConfigurationId,
    [property: Id(1)] ImmutableArray<SendContact> Contacts)
{
    /// <summary>Set for a message that is not a template's: <see cref="ConfigurationId"/> is then empty and there is one contact.</summary>
    [Id(2)] public DirectMessage? Direct { get; init; }

    /// <summary>Set when a campaign sends the request: its quota share caps it, and reports can filter by it.</summary>
    [Id(3)] public CampaignSend? Campaign { get; init; }
}

/// <summary>The campaign a request belongs to, and the share of the org's hourly quota campaigns may use.</summary>
/// <param name="QuotaShare">
/// Between 0 (exclusive) and 1: the request is taken only while the org's campaign requests in the current UTC
/// clock hour are fewer than this share of its hourly limit, so event-based and instant sends keep the rest.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.CampaignSend")]
public sealed record CampaignSend(
    [property: Id(0)] Guid CampaignId,
    [property: Id(1)] double QuotaShare)
{
    /// <summary>
    /// The campaign requests an org with <paramref name="orgHourlyLimit"/> requests an hour takes in one clock hour:
    /// floor(<see cref="QuotaShare"/> × limit), none for a share that is not a number above 0.
    /// </summary>
    public int HourlyLimit(int orgHourlyLimit) =>
        // In decimal: 0.29 × 100 is 28.999… in double, and the floor would take a request from the share.
        double.IsFinite(QuotaShare) && QuotaShare > 0
            ? (int)Math.Floor((decimal)Math.Min(QuotaShare, 1) * orgHourlyLimit)
            : 0;
}

/// <summary>Why a direct message is sent.</summary>
public enum DirectPurpose
{
    /// <summary>An agent's (or admin's) reply in a conversation.</summary>
    Reply = 0,

    /// <summary>The org's answer to a keyword (HELP, or the confirmation of START).</summary>
    AutoReply = 1,

    /// <summary>
    /// The confirmation of an opt-out keyword: the one message an opted-out customer still gets, as carriers
    /// require. Every other message to an opted-out customer is skipped.
    /// </summary>
    OptOutConfirmation = 2,
}

/// <summary>One message written for one customer, sent through <see cref="ChannelId"/> as it is (no slugs).</summary>
/// <param name="Text">SMS, or a WhatsApp session message.</param>
/// <param name="ContentSid">WhatsApp: a content template, with <paramref name="ContentVariables"/>.</param>
/// <param name="ConversationId">The conversation the message belongs to, if any.</param>
[GenerateSerializer, Immutable, Alias("Outbound.DirectMessage")]
public sealed record DirectMessage(
    [property: Id(0)] Guid ChannelId,
    [property: Id(1)] DirectPurpose Purpose,
    [property: Id(2)] string? Text,
    [property: Id(3)] string? ContentSid,
    [property: Id(4)] ImmutableDictionary<string, string>? ContentVariables,
    [property: Id(5)] Guid? ConversationId);

/// <summary>What became of one contact of a request.</summary>
public enum ContactStatus
{
    Accepted = 0,
    SkippedNoOptIn = 1,
    SkippedOptedOut = 2,
    Invalid = 3,
}

/// <param name="MessageId">Set when <see cref="ContactStatus.Accepted"/>: the id to ask about the message.</param>
/// <param name="Reason">Set when <see cref="ContactStatus.Invalid"/>: what is wrong, naming the field.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ContactResult")]
public sealed record ContactResult(
    [property: Id(0)] string? MessageId,
    [property: Id(1)] ContactStatus Status,
    [property: Id(2)] string? Reason)
{
    /// <summary>Accepted but held for quiet hours: not sent before this.</summary>
    [Id(3)] public DateTimeOffset? NotBefore { get; init; }
}

/// <summary>Whether a request was taken.</summary>
public enum ReceiptStatus
{
    /// <summary>Stored: every accepted message will be sent or end in a recorded terminal state.</summary>
    Accepted = 0,
    ConfigurationNotFound = 1,
    QuotaExceeded = 2,
    /// <summary>The Idempotency-Key was used before with a different request.</summary>
    IdempotencyKeyReused = 3,
    TooManyContacts = 4,
    /// <summary>The org holds its share of the silo's delivery backlog: nothing was stored; repeat the request shortly.</summary>
    Busy = 5,

    /// <summary>
    /// Storage (or a grain the request needed) failed: the request may or may not have been stored. Repeating it
    /// with the same Idempotency-Key accepts it at most once.
    /// </summary>
    Unavailable = 6,

    /// <summary>
    /// The rendered messages would not fit the request's storage entity (<see cref="SendReceipt.StoredBytes"/>):
    /// nothing was taken or stored; the contacts fit in smaller requests.
    /// </summary>
    TooLarge = 7,

    /// <summary>The operator has disabled the org: nothing was stored.</summary>
    OrgDisabled = 8,

    /// <summary>The outbound configuration is inactive: nothing was stored.</summary>
    ConfigurationInactive = 9,

    /// <summary>A direct message's channel does not exist (or is not the org's): nothing was stored.</summary>
    ChannelNotFound = 10,

    /// <summary>
    /// A campaign's request (<see cref="SendRequest.Campaign"/>) found the org's campaigns at their share of this
    /// clock hour's quota: nothing was taken or stored; the share starts again at <see cref="QuotaDecision.ResetAt"/>.
    /// </summary>
    CampaignShareUsed = 11,
}

/// <summary>The answer to a send request.</summary>
/// <param name="Results">One per contact, in input order (empty unless accepted).</param>
/// <param name="Replayed">The same Idempotency-Key and request were seen before: this is the original answer.</param>
/// <param name="Quota">The quota decision, for the <c>RateLimit-*</c> headers (null on a replay).</param>
/// <param name="MaxContacts">With <see cref="ReceiptStatus.TooManyContacts"/>: the org's limit.</param>
/// <param name="StoredBytes">With <see cref="ReceiptStatus.TooLarge"/>: what the request would have taken in storage.</param>
[GenerateSerializer, Immutable, Alias("Outbound.SendReceipt")]
public sealed record SendReceipt(
    [property: Id(0)] ReceiptStatus Status,
    [property: Id(1)] ImmutableArray<ContactResult> Results,
    [property: Id(2)] bool Replayed,
    [property: Id(3)] QuotaDecision? Quota,
    [property: Id(4)] int MaxContacts = 0,
    [property: Id(5)] int StoredBytes = 0)
{
    /// <summary>
    /// The most bytes a request's batch may take in storage: Orleans' Azure Table storage splits a state over 15
    /// binary properties of 64 KiB and refuses anything larger.
    /// </summary>
    public const int MaxStoredBytes = 15 * 64 * 1024;
}
