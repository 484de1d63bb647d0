using Outbound.Grains.QuietHours;
using Outbound.QuietHours;

namespace Outbound.Tests.QuietHours;

/// <summary>When a message may go out under quiet hours: the clock arithmetic, on fixed dates.</summary>
public sealed class QuietHoursRulesTests
{
    private static readonly QuietHoursSetting Nights = new(21 * 60, 8 * 60, QuietHoursSetting.Recipient);

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void A_message_outside_quiet_hours_may_go_at_once()
    {
        var noonInLosAngeles = Utc(2027, 1, 12, 20);

        Assert.Equal(noonInLosAngeles, QuietHoursRules.NotBefore(Nights, "+14155550100", noonInLosAngeles));
    }

    [Fact]
    public void Quiet_hours_within_one_day_end_the_same_day()
    {
        var lunch = new QuietHoursSetting(12 * 60, 13 * 60 + 30, "Europe/Paris");

        // 12:15 in Paris (UTC+1 in January): held until 13:30 there.
        Assert.Equal(Utc(2027, 1, 12, 12, 30), QuietHoursRules.NotBefore(lunch, "+14155550100", Utc(2027, 1, 12, 11, 15)));
    }

    [Fact]
    public void An_end_that_the_clock_skips_in_spring_opens_when_the_clock_resumes()
    {
        // New York moves from 02:00 to 03:00 on 14 March 2027: quiet hours ending at 02:30 end at 03:00 (EDT).
        var untilHalfPastTwo = new QuietHoursSetting(0, 2 * 60 + 30, "America/New_York");

        Assert.Equal(Utc(2027, 3, 14, 7), QuietHoursRules.NotBefore(untilHalfPastTwo, "+14155550100", Utc(2027, 3, 14, 6)));
    }

    [Fact]
    public void A_number_the_mapper_cannot_place_follows_the_fallback_zone()
    {
        // An international freephone number belongs to no time zone.
        const string freephone = "+80012345678";
        var lateEvening = Utc(2027, 1, 12, 23);

        Assert.Equal(Utc(2027, 1, 13, 8), QuietHoursRules.NotBefore(Nights, freephone, lateEvening));
        Assert.Equal(Utc(2027, 1, 13, 8), QuietHoursRules.NotBefore(Nights, freephone, lateEvening, QuietHoursRules.FallbackZone(null)));
        // With the org's own quiet hours in Tokyo (UTC+9), it is 08:00 there: 23:00 UTC.
        var tokyo = QuietHoursRules.FallbackZone(new QuietHoursSetting(21 * 60, 8 * 60, "Asia/Tokyo"));
        Assert.Equal(lateEvening, QuietHoursRules.NotBefore(Nights, freephone, lateEvening, tokyo));
    }
}
