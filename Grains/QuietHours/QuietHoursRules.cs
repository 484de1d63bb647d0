using Outbound.QuietHours;
using PhoneNumbers;

namespace Outbound.Grains.QuietHours;

/// <summary>
/// When a message may go out under quiet hours: now, when the window is open in every time zone of its
/// recipient, else the first moment it is open in all of them.
/// </summary>
/// <remarks>
/// With <see cref="QuietHoursSetting.Recipient"/> the zones come from the number (libphonenumber's time-zone
/// mapper, by country and area code). A number it cannot place ("Etc/Unknown", or zones this machine does not
/// know), or whose zones share no open moment within <see cref="Horizon"/> (a number that could be anywhere in a
/// country spanning most of the day), falls back to <see cref="FallbackZone"/>.
/// </remarks>
public static class QuietHoursRules
{
    /// <summary>How far ahead a moment open in all of a number's zones is looked for.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(2);

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Zones = PhoneNumberToTimeZonesMapper.GetInstance();

    /// <summary>
    /// The first moment at or after <paramref name="now"/> when a message to <paramref name="to"/> may go out under
    /// <paramref name="setting"/>; <paramref name="fallback"/> is the zone used when the recipient's cannot be told.
    /// </summary>
    public static DateTimeOffset NotBefore(QuietHoursSetting setting, string to, DateTimeOffset now, TimeZoneInfo? fallback = null)
    {
        fallback ??= TimeZoneInfo.Utc;
        var zones = setting.TimeZone == QuietHoursSetting.Recipient
            ? ZonesOf(to)
            : [FindZone(setting.TimeZone) ?? fallback];
        if (zones.Count == 0)
        {
            zones = [fallback];
        }

        return OpenInAll(setting, zones, now) ?? OpenInAll(setting, [fallback], now) ?? now;
    }

    /// <summary>The time zones the number's country and area code span, as this machine knows them; empty when unknown.</summary>
    public static IReadOnlyList<TimeZoneInfo> ZonesOf(string number)
    {
        try
        {
            var parsed = Phones.Parse(number, null);
            var unknown = Zones.GetUnknownTimeZone();
            return [.. Zones.GetTimeZonesForNumber(parsed)
                .Where(id => id != unknown)
                .Select(FindZone)
                .OfType<TimeZoneInfo>()
                .DistinctBy(z => z.Id)];
        }
        catch (NumberParseException)
        {
            return [];
        }
    }

    /// <summary>
    /// The zone for a recipient whose own cannot be told: the org's quiet-hours zone when it names one, else UTC.
    /// </summary>
    public static TimeZoneInfo FallbackZone(QuietHoursSetting? org) =>
        org is { TimeZone: var id } && id != QuietHoursSetting.Recipient && FindZone(id) is { } zone ? zone : TimeZoneInfo.Utc;

    /// <summary>An IANA time zone id as this machine knows it; null if it does not.</summary>
    public static TimeZoneInfo? FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>The first moment at or after <paramref name="now"/> outside quiet hours in every zone; null if none within <see cref="Horizon"/>.</summary>
    private static DateTimeOffset? OpenInAll(QuietHoursSetting setting, IReadOnlyList<TimeZoneInfo> zones, DateTimeOffset now)
    {
        // Each step moves to the end of a quiet spell that holds at the candidate, so no open moment is skipped.
        var candidate = now;
        while (candidate - now <= Horizon)
        {
            var moved = false;
            foreach (var zone in zones)
            {
                if (QuietUntil(setting, zone, candidate) is { } end)
                {
                    candidate = end;
                    moved = true;
                }
            }

            if (!moved)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>When the quiet spell holding at <paramref name="at"/> in <paramref name="zone"/> ends; null if the window is open then.</summary>
    private static DateTimeOffset? QuietUntil(QuietHoursSetting setting, TimeZoneInfo zone, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var minute = local.TimeOfDay.TotalMinutes;
        if (!setting.IsQuiet(minute))
        {
            return null;
        }

        // A spell across midnight that began this evening ends tomorrow.
        var endDay = setting.StartMinute > setting.EndMinute && minute >= setting.StartMinute ? local.Date.AddDays(1) : local.Date;
        var end = DateTime.SpecifyKind(endDay.AddMinutes(setting.EndMinute), DateTimeKind.Unspecified);
        // The end falls in a spring-forward gap: the window opens when the clock resumes.
        for (var i = 0; zone.IsInvalidTime(end) && i < 24 * 4; i++)
        {
            end = end.AddMinutes(15);
        }

        // A fall-back end happens twice: the first one opens the window.
        var offset = zone.IsAmbiguousTime(end) ? zone.GetAmbiguousTimeOffsets(end).Max() : zone.GetUtcOffset(end);
        var opens = new DateTimeOffset(end, offset);
        return opens > at ? opens : at.AddMinutes(1);
    }
}
