namespace Outbound.QuietHours;

/// <summary>
/// The hours of the day when an org's messages do not go out: a message that would be sent in them waits until
/// they end (<c>scheduled</c>, with <c>notBefore</c>). Set per org, overridable per outbound configuration.
/// </summary>
/// <param name="StartMinute">When quiet hours begin, in minutes after local midnight (21:00 is 1260).</param>
/// <param name="EndMinute">When they end, in minutes after local midnight; before <paramref name="StartMinute"/> when they span midnight.</param>
/// <param name="TimeZone">
/// Whose clock: <see cref="Recipient"/> (each customer's, from their number) or an IANA time zone id.
/// </param>
[GenerateSerializer, Immutable, Alias("Outbound.QuietHoursSetting")]
public sealed record QuietHoursSetting(
    [property: Id(0)] int StartMinute,
    [property: Id(1)] int EndMinute,
    [property: Id(2)] string TimeZone)
{
    /// <summary>The customer's own time zone(s), from their phone number.</summary>
    public const string Recipient = "recipient";

    public const int MinutesPerDay = 24 * 60;

    /// <summary>Whether <paramref name="minuteOfDay"/> (local, fractional) falls in quiet hours.</summary>
    public bool IsQuiet(double minuteOfDay) => StartMinute < EndMinute
        ? minuteOfDay >= StartMinute && minuteOfDay < EndMinute
        : minuteOfDay >= StartMinute || minuteOfDay < EndMinute;
}
