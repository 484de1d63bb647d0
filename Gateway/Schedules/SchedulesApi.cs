using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Xml;
using Outbound.Campaigns;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Routing;
using Outbound.Gateway.Sending;
using Outbound.Schedules;
using Outbound.Sending;

namespace Outbound.Gateway.Schedules;

/// <summary>
/// A schedule: what it sends (<c>contacts</c>, or a campaign it starts), and when. Give exactly one of
/// <c>contacts</c> or <c>campaignId</c>, and exactly one of <c>at</c>, <c>cron</c> (with <c>timeZone</c>) or
/// <c>after</c>.
/// </summary>
/// <param name="Name">1–200 characters.</param>
/// <param name="ConfigurationId">
/// The outbound configuration each run sends through: required with <c>contacts</c>. With <c>campaignId</c> it is the
/// campaign's; leave it out.
/// </param>
/// <param name="Contacts">
/// The send API's contacts (1–100, the same fields and rules as <c>SendMessages</c>): each run sends them one message
/// each, as one send request (one request of the org's hourly quota).
/// </param>
/// <param name="CampaignId">
/// Instead of <c>contacts</c>: each run starts this campaign (which must exist, and be ready when the run comes;
/// a run that finds it running already changes nothing).
/// </param>
/// <param name="At">One time, ISO 8601 with an offset (<c>2027-01-04T09:30:00+01:00</c>), in the future.</param>
/// <param name="Cron">
/// Recurring: a 5-field cron expression (<c>minute hour day-of-month month day-of-week</c>, minute precision; no
/// seconds field), read in <c>timeZone</c>. An occurrence in an hour skipped by daylight saving runs at the end of the
/// gap; one in a repeated hour runs once (interval fields such as <c>*/15</c> run in both).
/// </param>
/// <param name="TimeZone">With <c>cron</c>, and only with it: an IANA time zone id (<c>Europe/Paris</c>).</param>
/// <param name="After">One time, an ISO 8601 duration (<c>PT1M</c>, <c>P1D</c>) after the schedule is saved; up to 366 days.</param>
/// <param name="Enabled">
/// Whether it fires (default true, also on a replace that leaves it out). Enabling it again does not replay the
/// occurrences that passed while it was disabled.
/// </param>
public sealed record ScheduleRequest(
    [property: Required] string? Name,
    Guid? ConfigurationId,
    List<ContactBody?>? Contacts,
    Guid? CampaignId = null,
    string? At = null,
    string? Cron = null,
    string? TimeZone = null,
    string? After = null,
    bool? Enabled = null);

/// <summary>A schedule, its next occurrence and its last runs.</summary>
/// <param name="Contacts">The contacts each run sends to; empty when it starts a campaign.</param>
/// <param name="CampaignId">The campaign each run starts, if it starts one.</param>
/// <param name="At">The one time: as given, or the time <c>after</c> resolved to when it was saved.</param>
/// <param name="Status"><c>active</c>, <c>disabled</c> or <c>completed</c> (a one-time schedule whose time has passed).</param>
/// <param name="NextRunAt">The next occurrence (in the schedule's time zone); absent when disabled or completed.</param>
/// <param name="Runs">The last runs (at most 20), newest first.</param>
public sealed record ScheduleResponse(
    Guid Id, string Name, Guid ConfigurationId, IReadOnlyList<ContactBody> Contacts, Guid? CampaignId,
    DateTimeOffset? At, string? Cron, string? TimeZone, string? After, bool Enabled,
    string Status, DateTimeOffset? NextRunAt, IReadOnlyList<ScheduleRunResponse> Runs,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One occurrence a schedule ran and what it sent.</summary>
/// <param name="Occurrence">The occurrence's planned time.</param>
/// <param name="RanAt">When it was sent.</param>
/// <param name="Outcome">
/// The send request's outcome: <c>accepted</c>, or why nothing was sent (<c>quota_exceeded</c>,
/// <c>configuration_not_found</c>, <c>configuration_inactive</c>, <c>org_disabled</c>, <c>too_many_contacts</c>,
/// <c>too_large</c>). A run that starts a campaign: <c>campaign_started</c>, or why it did not start
/// (<c>campaign_not_found</c>, <c>campaign_without_audience</c>, or the campaign's status, such as
/// <c>campaign_completed</c>).
/// </param>
/// <param name="Late">It ran more than a minute after its time (the service was down, or it skipped missed occurrences).</param>
/// <param name="Missed">
/// Occurrences that passed while the service could not run them: after an outage only the latest one runs, and this
/// counts the ones skipped before it.
/// </param>
/// <param name="BatchId">The send request the run made (one per occurrence: a repeat of the run replays it); absent when the run started a campaign.</param>
/// <param name="MessageIds">The messages accepted (follow them with GetMessage).</param>
public sealed record ScheduleRunResponse(
    DateTimeOffset Occurrence, DateTimeOffset RanAt, string Outcome, bool Late, int Missed, Guid? BatchId,
    IReadOnlyList<string> MessageIds, int SkippedNoOptIn, int SkippedOptedOut, int Invalid);

public static partial class SchedulesApi
{
    /// <summary>One send request's worth: a run is one request of the org's hourly quota.</summary>
    public const int MaxContacts = 100;

    public const int MaxCronLength = 100;
    public const int MaxTimeZoneLength = 64;
    public const int MaxDurationLength = 64;
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(366);

    private const string Noun = "schedule";

    /// <summary><c>/v1/schedules</c>: an admin sets up sends at a time, on a cron, or after a delay.</summary>
    public static RouteGroupBuilder MapSchedules(this RouteGroupBuilder admin)
    {
        var schedules = admin.MapGroup("/schedules").WithTags("Schedules");

        schedules.MapCatalogViews(new CatalogViewKind<IScheduleGrain, Schedule, ScheduleRequest, ScheduleView, ScheduleResponse>(
            CatalogKind.Schedule, "scheduleId", "Schedule", Noun, Schedule,
            (g, item) => g.CreateAsync(item), (g, item) => g.ReplaceAsync(item), ToSchedule, g => g.GetViewAsync(), ToResponse)
        {
            Texts = new(
                new("Create a schedule", "Stores a schedule that sends to its contacts through an outbound configuration at a time (at), on a cron in a time zone (cron, timeZone), or after a delay (after). Each run is one send request, with the send API's consent, quota and tracking."),
                new("List schedules", "The org's schedules, oldest first, a page at a time: pass nextCursor as cursor for the next page."),
                new("Get a schedule", "One schedule of the org: its next occurrence (nextRunAt) and its last runs, with what each sent."),
                new("Replace a schedule", "Replaces the schedule whole. A new timing counts from now; an unchanged at or after keeps its time. Its runs stay.")),
            BodyLimit = BodyLimits.Send,
        });

        schedules.MapDelete("/{scheduleId:guid}", async (Guid scheduleId, HttpContext http, IGrainFactory grains) =>
            (await Schedule(http, grains, scheduleId).DeleteAsync()).Status == DeleteStatus.Deleted ? Results.NoContent() : NotFound(scheduleId))
        .WithName("DeleteSchedule")
        .WithSummary("Delete a schedule")
        .WithDescription("Deletes the schedule and its runs: it fires no more. Messages it already sent are not affected.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);

        return admin;
    }

    private static Schedule? ToSchedule(ScheduleRequest request, FieldErrors errors)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add("name", "name is required and at most 200 characters.");
        }

        ImmutableArray<SendContact> contacts = [];
        if (request.CampaignId is not null)
        {
            if (request.Contacts is not null)
            {
                errors.Add("campaignId", "Give contacts or campaignId, not both.");
            }
        }
        else
        {
            if (request.ConfigurationId is null)
            {
                errors.Add("configurationId", "configurationId is required.");
            }

            contacts = request.Contacts?.Count > MaxContacts
                ? []
                : SendApi.ToContacts(request.Contacts, request.ConfigurationId ?? Guid.Empty, errors);
            if (request.Contacts?.Count > MaxContacts)
            {
                errors.Add("contacts", $"A schedule sends at most {MaxContacts} contacts: one send request per run.");
            }
        }

        var timing = ToTiming(request, errors);
        // With a campaign, the schedule grain takes the campaign's configuration.
        return errors.Any || timing is null
            ? null
            : new Schedule(name!, request.ConfigurationId ?? Guid.Empty, contacts, timing, request.Enabled ?? true) { CampaignId = request.CampaignId };
    }

    private static ScheduleTiming? ToTiming(ScheduleRequest request, FieldErrors errors)
    {
        var given = new[] { ("at", request.At), ("cron", request.Cron), ("after", request.After) }.Where(g => g.Item2 is not null).ToArray();
        if (given.Length == 0)
        {
            errors.Add("at", "One of at (a time), cron (with timeZone) or after (a duration) is required.");
            return null;
        }

        foreach (var (field, _) in given.Skip(1))
        {
            errors.Add(field, $"Give one of at, cron or after, not {string.Join(" and ", given.Select(g => g.Item1))}.");
        }

        if (request.TimeZone is not null && request.Cron is null)
        {
            errors.Add("timeZone", "timeZone goes with cron (at carries its own offset).");
        }

        if (given.Length > 1)
        {
            return null;
        }

        if (request.At is { } at)
        {
            if (!IsoInstant().IsMatch(at) || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                errors.Add("at", "at is an ISO 8601 date and time with an offset, such as 2027-01-04T09:30:00+01:00 or 2027-01-04T08:30:00Z.");
                return null;
            }

            return new ScheduleTiming(parsed, null, null, null);
        }

        if (request.Cron is { } cron)
        {
            if (cron.Length is 0 or > MaxCronLength)
            {
                errors.Add("cron", $"cron is a 5-field cron expression of at most {MaxCronLength} characters.");
            }

            if (request.TimeZone is not { Length: > 0 and <= MaxTimeZoneLength })
            {
                errors.Add("timeZone", "timeZone is required with cron: an IANA time zone id, such as Europe/Paris.");
            }

            return new ScheduleTiming(null, cron, request.TimeZone, null);
        }

        var after = request.After!;
        TimeSpan delay;
        try
        {
            delay = after.Length <= MaxDurationLength ? XmlConvert.ToTimeSpan(after) : TimeSpan.Zero;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            delay = TimeSpan.Zero;
        }

        if (delay <= TimeSpan.Zero || delay > MaxAfter)
        {
            errors.Add("after", $"after is an ISO 8601 duration, such as PT1M or P1D, more than zero and at most {MaxAfter.TotalDays:0} days.");
            return null;
        }

        return new ScheduleTiming(null, null, null, delay);
    }

    private static ScheduleResponse ToResponse(ScheduleView view)
    {
        var (stored, s) = (view.Stored, view.Stored.Item);
        return new ScheduleResponse(
            stored.Id, s.Name, s.ConfigurationId,
            [.. s.Contacts.Select(c => new ContactBody(c.To, c.OptIn, c.Locale, c.ContextItems.ToDictionary(i => i.Key, i => (string?)i.Value), c.EntityRelationshipName))],
            s.CampaignId,
            s.Timing.At, s.Timing.Cron, s.Timing.TimeZone, s.Timing.After is { } after ? XmlConvert.ToString(after) : null, s.Enabled,
            view.Status.ToString().ToLowerInvariant(), view.NextRunAt,
            [.. view.Runs.Select(r => new ScheduleRunResponse(
                r.Occurrence, r.RanAt, Outcome(r), r.Missed > 0 || r.RanAt - r.Occurrence > TimeSpan.FromMinutes(1), r.Missed,
                r.CampaignStart is null ? r.BatchId : null,
                r.MessageIds, r.SkippedNoOptIn, r.SkippedOptedOut, r.Invalid))],
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }

    private static string Outcome(ScheduleRun run) => run.CampaignStart switch
    {
        null => Wire(run.Outcome),
        { Status: CampaignCommandStatus.Done } => "campaign_started",
        { Status: CampaignCommandStatus.NotFound } => "campaign_not_found",
        { Status: CampaignCommandStatus.NoAudience } => "campaign_without_audience",
        { Current: { } current } => $"campaign_{current.ToString().ToLowerInvariant()}",
        _ => "campaign_not_started",
    };

    /// <summary>A receipt status as a run's outcome: <c>QuotaExceeded</c> is <c>quota_exceeded</c>.</summary>
    private static string Wire(ReceiptStatus status) => CamelHump().Replace(status.ToString(), "$1_$2").ToLowerInvariant();

    private static IScheduleGrain Schedule(HttpContext http, IGrainFactory grains, Guid id) =>
        grains.GetGrain<IScheduleGrain>(CatalogKeys.Item(http.OrgId(), id));

    private static IResult NotFound(Guid id) => Problem.NotFound($"No {Noun} '{id}' exists.");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoInstant();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex CamelHump();
}
