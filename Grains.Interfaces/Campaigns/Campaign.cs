using Outbound.Catalog;

namespace Outbound.Campaigns;

/// <summary>
/// A campaign: one outbound configuration sent to an uploaded audience (up to a million contacts) in requests of
/// 100 contacts, within <see cref="QuotaShare"/> of the org's hourly quota.
/// </summary>
/// <param name="QuotaShare">The share of the org's hourly quota its campaigns may use, above 0 and at most 1 (0.8 by default).</param>
[GenerateSerializer, Immutable, Alias("Outbound.Campaign")]
public sealed record Campaign(
    [property: Id(0)] string Name,
    [property: Id(1)] Guid ConfigurationId,
    [property: Id(2)] double QuotaShare)
{
    public const double DefaultQuotaShare = 0.8;
}

/// <summary>Where a campaign stands.</summary>
public enum CampaignStatus
{
    /// <summary>Created, with no audience yet.</summary>
    Draft = 0,

    /// <summary>Its audience is uploaded and validated: it can start (again, a new upload replaces it).</summary>
    Ready = 1,

    /// <summary>Sending; between requests it may wait for its quota share of the next clock hour.</summary>
    Running = 2,

    /// <summary>Paused by the org: it resumes where it stopped.</summary>
    Paused = 3,

    /// <summary>Every contact's request was sent.</summary>
    Completed = 4,

    /// <summary>Cancelled by the org: what was sent stays sent, the rest is never sent.</summary>
    Cancelled = 5,
}

/// <summary>An uploaded audience, validated and stored in blob storage (<see cref="AudienceBlobs"/>), not in grain state.</summary>
/// <param name="UploadId">Names the upload's blobs; a new upload has a new id and replaces the audience.</param>
/// <param name="Rows">Rows read, valid or not.</param>
/// <param name="Valid">Rows stored as contacts to send, in upload order, in parts of <see cref="AudienceBlobs.PartSize"/>.</param>
/// <param name="Invalid">Rows refused, each listed in the row-error report with its row number, field and reason.</param>
[GenerateSerializer, Immutable, Alias("Outbound.CampaignAudience")]
public sealed record CampaignAudience(
    [property: Id(0)] Guid UploadId,
    [property: Id(1)] int Rows,
    [property: Id(2)] int Valid,
    [property: Id(3)] int Invalid,
    [property: Id(4)] DateTimeOffset UploadedAt)
{
    /// <summary>How many parts the valid contacts fill.</summary>
    public int Parts => (Valid + AudienceBlobs.PartSize - 1) / AudienceBlobs.PartSize;

    /// <summary>How many send requests the valid contacts make.</summary>
    public int Requests => (Valid + AudienceBlobs.ContactsPerRequest - 1) / AudienceBlobs.ContactsPerRequest;
}

/// <summary>
/// A campaign's counts: contacts by what the send path made of them, and messages by their current status (from
/// the reports of the campaign's requests).
/// </summary>
/// <param name="Total">Valid contacts in the audience.</param>
/// <param name="Invalid">Refused at upload, plus refused by the send path.</param>
[GenerateSerializer, Immutable, Alias("Outbound.CampaignProgress")]
public sealed record CampaignProgress(
    [property: Id(0)] int Total,
    [property: Id(1)] int Accepted,
    [property: Id(2)] int SkippedNoOptIn,
    [property: Id(3)] int SkippedOptedOut,
    [property: Id(4)] int Invalid,
    [property: Id(5)] int Sent,
    [property: Id(6)] int Delivered,
    [property: Id(7)] int Failed);

/// <summary>A campaign as the API shows it.</summary>
/// <param name="RequestsSent">Requests the send path took (the next request to send is this one).</param>
/// <param name="WaitingUntil">Running but waiting for the next clock hour's share of the quota (or for room in the backlog).</param>
/// <param name="EtaSeconds">While running or paused: the expected seconds to the end at the current pace and share; null otherwise.</param>
[GenerateSerializer, Immutable, Alias("Outbound.CampaignView")]
public sealed record CampaignView(
    [property: Id(0)] StoredItem<Campaign> Stored,
    [property: Id(1)] CampaignStatus Status,
    [property: Id(2)] CampaignAudience? Audience,
    [property: Id(3)] CampaignProgress Progress,
    [property: Id(4)] int RequestsSent,
    [property: Id(5)] DateTimeOffset? StartedAt,
    [property: Id(6)] DateTimeOffset? EndedAt,
    [property: Id(7)] DateTimeOffset? WaitingUntil,
    [property: Id(8)] int? EtaSeconds)
{
    /// <summary>
    /// Paused by the campaign itself, and why: the send path's refusal of its next request
    /// (<c>configuration_not_found</c>, <c>configuration_inactive</c>, <c>org_disabled</c>, <c>too_many_contacts</c>,
    /// <c>too_large</c>) or <c>audience_missing</c>; null when the org paused it. Resuming tries that request again.
    /// </summary>
    [Id(9)] public string? PausedReason { get; init; }
}

/// <summary>What became of a lifecycle command (start, pause, resume, cancel) or of a new audience.</summary>
public enum CampaignCommandStatus
{
    Done = 0,
    NotFound = 1,

    /// <summary>The campaign's status does not allow it (<see cref="CampaignCommandResult.Current"/> says which it is).</summary>
    Conflict = 2,

    /// <summary>Start: the campaign has no valid contacts to send.</summary>
    NoAudience = 3,
}

[GenerateSerializer, Immutable, Alias("Outbound.CampaignCommandResult")]
public sealed record CampaignCommandResult(
    [property: Id(0)] CampaignCommandStatus Status,
    [property: Id(1)] CampaignStatus? Current);
