using Outbound.Campaigns;
using Outbound.Catalog;
using Outbound.Sending;

namespace Outbound.Schedules;

/// <summary>
/// A schedule: when it fires (<see cref="Timing"/>) and what it does each time: send one request to
/// <see cref="Contacts"/> through the send path, or start the campaign <see cref="CampaignId"/>.
/// </summary>
/// <param name="ConfigurationId">The configuration the contacts are sent through; with a campaign, the campaign's.</param>
/// <param name="Contacts">The send API's contacts (at most 100), sent as one request per occurrence; empty with a campaign.</param>
/// <param name="Enabled">A disabled schedule does not fire; enabling it again does not replay what passed meanwhile.</param>
[GenerateSerializer, Immutable, Alias("Outbound.Schedule")]
public sealed record Schedule(
    [property: Id(0)] string Name,
    [property: Id(1)] Guid ConfigurationId,
    [property: Id(2)] ImmutableArray<SendContact> Contacts,
    [property: Id(3)] ScheduleTiming Timing,
    [property: Id(4)] bool Enabled)
{
    /// <summary>Set instead of <see cref="Contacts"/>: each occurrence starts this campaign (<see cref="ICampaignGrain.StartAsync"/>).</summary>
    [Id(5)] public Guid? CampaignId { get; init; }
}

/// <summary>
/// When a schedule fires: exactly one of a time (<see cref="At"/>), a cron expression in a time zone
/// (<see cref="Cron"/> and <see cref="TimeZone"/>), or a delay from saving (<see cref="After"/>).
/// </summary>
/// <param name="At">
/// The one time. With <see cref="After"/>, the time it resolved to when the schedule was saved (the schedule grain
/// sets it: the saving clock is the silo's).
/// </param>
/// <param name="Cron">A 5-field cron expression (minute precision), read in <see cref="TimeZone"/>.</param>
/// <param name="TimeZone">The IANA time zone of <see cref="Cron"/>.</param>
/// <param name="After">A delay from the time the schedule is saved with it.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ScheduleTiming")]
public sealed record ScheduleTiming(
    [property: Id(0)] DateTimeOffset? At,
    [property: Id(1)] string? Cron,
    [property: Id(2)] string? TimeZone,
    [property: Id(3)] TimeSpan? After);

/// <summary>Where a schedule stands.</summary>
public enum ScheduleStatus
{
    /// <summary>Enabled, with an occurrence to come.</summary>
    Active = 0,

    /// <summary>Disabled: it does not fire.</summary>
    Disabled = 1,

    /// <summary>A one-time schedule whose time has passed (it ran, or its time passed while it was disabled).</summary>
    Completed = 2,
}

/// <summary>One occurrence a schedule ran, and what the send path made of it.</summary>
/// <param name="Occurrence">The occurrence's planned time.</param>
/// <param name="RanAt">When it was sent (later than planned after a silo outage).</param>
/// <param name="BatchId">The send request: derived from the schedule and the occurrence, so a repeat replays it.</param>
/// <param name="Outcome">The send receipt's status (<see cref="ReceiptStatus.Accepted"/>, or why nothing was sent).</param>
/// <param name="Missed">Earlier occurrences that passed unrun (the silo was down) and were skipped for this one.</param>
/// <param name="MessageIds">The messages accepted, in contact order.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ScheduleRun")]
public sealed record ScheduleRun(
    [property: Id(0)] DateTimeOffset Occurrence,
    [property: Id(1)] DateTimeOffset RanAt,
    [property: Id(2)] Guid BatchId,
    [property: Id(3)] ReceiptStatus Outcome,
    [property: Id(4)] int Missed,
    [property: Id(5)] ImmutableArray<string> MessageIds,
    [property: Id(6)] int SkippedNoOptIn,
    [property: Id(7)] int SkippedOptedOut,
    [property: Id(8)] int Invalid)
{
    /// <summary>
    /// A campaign's schedule: what became of starting it (<see cref="Outcome"/> is then
    /// <see cref="ReceiptStatus.Accepted"/> and the message lists are empty).
    /// </summary>
    [Id(9)] public CampaignCommandResult? CampaignStart { get; init; }
}

/// <summary>A schedule as the API shows it: the stored item, its next occurrence and its last runs, newest first.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.ScheduleView")]
public sealed record ScheduleView(
    [property: Id(0)] StoredItem<Schedule> Stored,
    [property: Id(1)] ScheduleStatus Status,
    [property: Id(2)] DateTimeOffset? NextRunAt,
    [property: Id(3)] ImmutableArray<ScheduleRun> Runs);
