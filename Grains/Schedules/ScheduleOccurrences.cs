using System.Text.RegularExpressions;
using Cronos;
using Outbound.Schedules;

namespace Outbound.Grains.Schedules;

/// <summary>
/// The occurrences of a schedule's timing. Cron expressions are read in their IANA time zone by Cronos, which
/// handles daylight saving as cron does: an occurrence in a skipped hour runs at the end of the gap, and one in a
/// repeated hour runs once (interval expressions such as <c>*/15</c> run in both).
/// </summary>
public sealed partial class ScheduleOccurrences
{
    /// <summary>The longest <c>after</c> delay and the farthest <c>at</c>: a schedule is not a reminder for next decade.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(366);

    private readonly ScheduleTiming _timing;
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.Utc;

    private ScheduleOccurrences(ScheduleTiming timing, CronExpression? cron, TimeZoneInfo? zone)
    {
        _timing = timing;
        _cron = cron;
        _zone = zone ?? TimeZoneInfo.Utc;
    }

    public ScheduleTiming Timing => _timing;

    /// <summary>The occurrences of a stored (so already checked) timing.</summary>
    public static ScheduleOccurrences Of(ScheduleTiming timing) =>
        timing.Cron is { } cron
            // A zone the host's time zone data no longer knows is read as UTC rather than failing every read of the schedule.
            ? new ScheduleOccurrences(timing, CronExpression.Parse(cron, CronFormat.Standard), FindZone(timing.TimeZone) ?? TimeZoneInfo.Utc)
            : new ScheduleOccurrences(timing, null, null);

    /// <summary>
    /// Checks a timing the API was given and resolves <c>after</c> to a time; <paramref name="errors"/> are keyed by
    /// the request's field names. An unchanged <c>at</c> or <c>after</c> keeps its time (a rename must not move it).
    /// </summary>
    public static ScheduleTiming Check(ScheduleTiming timing, ScheduleTiming? existing, DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        if (timing.Cron is { } cron)
        {
            try
            {
                // Five fields only: a schedule fires at most once a minute (each run is a send request of the quota).
                CronExpression.Parse(cron, CronFormat.Standard);
                // Cronos reads this macro even in its 5-field format, as every second.
                if (cron.Trim().StartsWith("@every_second", StringComparison.OrdinalIgnoreCase))
                {
                    throw new CronFormatException("a schedule runs at most once a minute.");
                }
            }
            catch (CronFormatException e)
            {
                errors["cron"] = [$"cron is a 5-field cron expression (minute hour day-of-month month day-of-week): {e.Message}"];
            }

            if (FindZone(timing.TimeZone) is null)
            {
                errors["timeZone"] = ["timeZone is an IANA time zone id, such as Europe/Paris or America/New_York."];
            }

            return timing;
        }

        if (timing.After is { } after)
        {
            if (existing is { After: { } before, At: { } resolved } && before == after)
            {
                return timing with { At = resolved };
            }

            return timing with { At = now + after };
        }

        if (timing.At is { } at && !(existing is { After: null, Cron: null } && existing.At == at))
        {
            if (at <= now)
            {
                errors["at"] = [$"at is in the past (it is {now:O} now)."];
            }
            else if (at - now > MaxAhead)
            {
                errors["at"] = [$"at is at most {MaxAhead.TotalDays:0} days ahead."];
            }
        }

        return timing;
    }

    /// <summary>The first occurrence after <paramref name="cursor"/>, or null when there is none (a one-time schedule that passed).</summary>
    public DateTimeOffset? Next(DateTimeOffset cursor) =>
        _cron is { } cron
            ? cron.GetNextOccurrence(cursor, _zone)
            : _timing.At is { } at && at > cursor ? at : null;

    /// <summary>
    /// The latest occurrence after <paramref name="cursor"/> that is due at <paramref name="now"/>, and how many
    /// occurrences came due in all (1 when nothing was missed, 0 when nothing is due).
    /// </summary>
    public (DateTimeOffset? Latest, int Count) Due(DateTimeOffset cursor, DateTimeOffset now)
    {
        DateTimeOffset? latest = null;
        var count = 0;
        for (var next = Next(cursor); next is { } occurrence && occurrence <= now; next = Next(occurrence))
        {
            latest = occurrence;
            count++;
        }

        return (latest, count);
    }

    /// <summary>
    /// The zone of an IANA id, or null. The id is checked for its shape first: the lookup reads a file named by it.
    /// Windows ids, which .NET also finds, are refused so that one zone has one name.
    /// </summary>
    public static TimeZoneInfo? FindZone(string? id) =>
        id is { Length: <= 64 } && ZoneId().IsMatch(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId
            ? zone
            : null;

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")]
    private static partial Regex ZoneId();
}
