using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;
using Outbound.Orgs;
using Outbound.QuietHours;

namespace Outbound.Gateway.QuietHours;

/// <summary>
/// Hours of the day when messages do not go out: one accepted in them is <c>scheduled</c> and sent when they end.
/// Transactional configurations and direct messages (agents' replies, keyword confirmations) are never held.
/// </summary>
/// <param name="Start">When quiet hours begin, local time, <c>HH:mm</c> (for example <c>21:00</c>).</param>
/// <param name="End">When they end, local time, <c>HH:mm</c> (for example <c>08:00</c>); earlier than <c>start</c> when they span midnight, never equal to it.</param>
/// <param name="TimeZone">
/// Whose clock: <c>recipient</c> (each customer's time zone, from their number; a number spanning several zones
/// waits until the window is open in all of them) or an IANA time zone id such as <c>Europe/Paris</c>.
/// </param>
public sealed record QuietHoursBody(
    [property: Required] string? Start,
    [property: Required] string? End,
    [property: Required] string? TimeZone);

/// <param name="QuietHours">The org's quiet hours; absent when it has none.</param>
public sealed record OrgQuietHoursResponse(QuietHoursBody? QuietHours);

public static partial class QuietHoursApi
{
    /// <summary>Longer than any IANA id; bounds what reaches the time zone lookup.</summary>
    public const int MaxTimeZoneLength = 64;

    public static RouteGroupBuilder MapQuietHours(this RouteGroupBuilder admin)
    {
        admin.MapGet("/settings/quiet-hours", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).GetQuietHoursAsync() is { } quietHours
                ? Results.Ok(new OrgQuietHoursResponse(ToBody(quietHours.Setting)))
                : Problem.NotFound("The org no longer exists."))
        .WithTags("Quiet hours")
        .WithName("GetQuietHours")
        .WithSummary("Get the org's quiet hours")
        .WithDescription("The hours when the org's messages are held (accepted as scheduled) and sent when they end; absent when the org has none. An outbound configuration may replace them with its own, or opt out as transactional.")
        .Produces<OrgQuietHoursResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPut("/settings/quiet-hours", async (QuietHoursBody request, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            if (Parse(request, "", errors) is not { } quietHours)
            {
                return errors.ToProblem();
            }

            return await grains.GetGrain<IOrgGrain>(http.OrgId()).UpdateQuietHoursAsync(quietHours)
                ? Results.Ok(new OrgQuietHoursResponse(ToBody(quietHours)))
                : Problem.NotFound("The org no longer exists.");
        })
        .WithTags("Quiet hours")
        .WithName("ReplaceQuietHours")
        .WithSummary("Set the org's quiet hours")
        .WithDescription("Messages accepted from now on whose send time falls in these hours are scheduled for their end; messages already accepted keep their time. start and end are HH:mm and differ; timeZone is recipient or an IANA id.")
        .Produces<OrgQuietHoursResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapDelete("/settings/quiet-hours", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).UpdateQuietHoursAsync(null)
                ? Results.NoContent()
                : Problem.NotFound("The org no longer exists."))
        .WithTags("Quiet hours")
        .WithName("DeleteQuietHours")
        .WithSummary("Remove the org's quiet hours")
        .WithDescription("Messages accepted from now on go out at once, unless their configuration has quiet hours of its own.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    /// <summary>The setting as the API shows it; null for none.</summary>
    public static QuietHoursBody? ToBody(QuietHoursSetting? setting) => setting is null
        ? null
        : new QuietHoursBody(Clock(setting.StartMinute), Clock(setting.EndMinute), setting.TimeZone);

    /// <summary>
    /// The validated setting, or null with the reasons in <paramref name="errors"/>, each naming its field under
    /// <paramref name="prefix"/> (for example <c>quietHours.</c> in a configuration).
    /// </summary>
    public static QuietHoursSetting? Parse(QuietHoursBody request, string prefix, FieldErrors errors)
    {
        var start = Minute(request.Start, $"{prefix}start", errors);
        var end = Minute(request.End, $"{prefix}end", errors);
        if (start is not null && start == end)
        {
            errors.Add($"{prefix}end", "end must differ from start: quiet hours cannot last all day or not at all.");
        }

        var timeZone = request.TimeZone;
        if (timeZone != QuietHoursSetting.Recipient && !IsIanaZone(timeZone))
        {
            errors.Add($"{prefix}timeZone", $"timeZone is '{QuietHoursSetting.Recipient}' or an IANA time zone id, such as Europe/Paris or America/New_York.");
        }

        return errors.Any ? null : new QuietHoursSetting(start!.Value, end!.Value, timeZone!);
    }

    private static int? Minute(string? value, string field, FieldErrors errors)
    {
        if (value is null || !ClockPattern().IsMatch(value))
        {
            errors.Add(field, $"{field} is a time of day written HH:mm, such as 21:00.");
            return null;
        }

        return (int.Parse(value.AsSpan(0, 2), CultureInfo.InvariantCulture) * 60) + int.Parse(value.AsSpan(3, 2), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An IANA id this machine knows (Windows ids are refused). Its shape is checked first: the lookup reads the
    /// zone database from files, and no request decides what it opens.
    /// </summary>
    private static bool IsIanaZone(string? id) =>
        id is { Length: > 0 and <= MaxTimeZoneLength }
        && ZonePattern().IsMatch(id)
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
        && zone.HasIanaId;

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]\z")]
    private static partial Regex ClockPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*\z")]
    private static partial Regex ZonePattern();
}
