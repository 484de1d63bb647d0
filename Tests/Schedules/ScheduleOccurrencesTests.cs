using Outbound.Grains.Schedules;
using Outbound.Schedules;

namespace Outbound.Tests.Schedules;

/// <summary>Occurrences of cron schedules in a time zone with daylight saving (New York: 2030-03-10 and 2030-11-03).</summary>
public sealed class ScheduleOccurrencesTests
{
    private static ScheduleOccurrences Cron(string cron) => ScheduleOccurrences.Of(new ScheduleTiming(null, cron, "America/New_York", null));

    private static DateTimeOffset[] Following(ScheduleOccurrences occurrences, DateTimeOffset from, int count)
    {
        var found = new List<DateTimeOffset>();
        for (var next = occurrences.Next(from); next is { } at && found.Count < count; next = occurrences.Next(at))
        {
            found.Add(at);
        }

        return [.. found];
    }

    [Fact]
    public void A_daily_time_in_the_hour_skipped_in_spring_runs_at_the_end_of_the_gap_that_day_only()
    {
        var days = Following(Cron("30 2 * * *"), new DateTimeOffset(2030, 3, 8, 12, 0, 0, TimeSpan.Zero), 3);

        Assert.Equal(
            [
                new DateTimeOffset(2030, 3, 9, 2, 30, 0, TimeSpan.FromHours(-5)),
                new DateTimeOffset(2030, 3, 10, 3, 0, 0, TimeSpan.FromHours(-4)),
                new DateTimeOffset(2030, 3, 11, 2, 30, 0, TimeSpan.FromHours(-4)),
            ],
            days);
        Assert.Equal([TimeSpan.FromHours(-5), TimeSpan.FromHours(-4), TimeSpan.FromHours(-4)], days.Select(d => d.Offset));
    }

    [Fact]
    public void A_daily_time_in_the_hour_repeated_in_autumn_runs_once()
    {
        var days = Following(Cron("30 1 * * *"), new DateTimeOffset(2030, 11, 2, 12, 0, 0, TimeSpan.Zero), 3);

        Assert.Equal(
            [
                new DateTimeOffset(2030, 11, 3, 1, 30, 0, TimeSpan.FromHours(-4)),
                new DateTimeOffset(2030, 11, 4, 1, 30, 0, TimeSpan.FromHours(-5)),
                new DateTimeOffset(2030, 11, 5, 1, 30, 0, TimeSpan.FromHours(-5)),
            ],
            days);
        Assert.Equal(TimeSpan.FromHours(25), days[1] - days[0]);
    }

    [Fact]
    public void An_interval_runs_in_both_passes_of_the_repeated_hour()
    {
        var halfHours = Following(Cron("*/30 1 * * *"), new DateTimeOffset(2030, 11, 3, 4, 59, 0, TimeSpan.Zero), 4);

        Assert.Equal(
            [
                new DateTimeOffset(2030, 11, 3, 1, 0, 0, TimeSpan.FromHours(-4)),
                new DateTimeOffset(2030, 11, 3, 1, 30, 0, TimeSpan.FromHours(-4)),
                new DateTimeOffset(2030, 11, 3, 1, 0, 0, TimeSpan.FromHours(-5)),
                new DateTimeOffset(2030, 11, 3, 1, 30, 0, TimeSpan.FromHours(-5)),
            ],
            halfHours);
    }

    [Fact]
    public void Occurrences_missed_while_down_come_due_as_the_latest_one_and_a_count()
    {
        var hourly = ScheduleOccurrences.Of(new ScheduleTiming(null, "0 * * * *", "Etc/UTC", null));
        var cursor = new DateTimeOffset(2030, 1, 7, 9, 30, 0, TimeSpan.Zero);

        var (latest, count) = hourly.Due(cursor, cursor.AddHours(3));

        Assert.Equal(new DateTimeOffset(2030, 1, 7, 12, 0, 0, TimeSpan.Zero), latest);
        Assert.Equal(3, count);
    }

    [Theory]
    [InlineData("Europe/Paris", true)]
    [InlineData("America/Argentina/Buenos_Aires", true)]
    [InlineData("Etc/UTC", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("Eastern Standard Time", false)]
    [InlineData("../../../etc/passwd", false)]
    [InlineData("/etc/localtime", false)]
    [InlineData("", false)]
    public void A_time_zone_is_an_iana_id(string id, bool found) => Assert.Equal(found, ScheduleOccurrences.FindZone(id) is not null);

    [Theory]
    [InlineData("@hourly", true)]
    [InlineData("0 9 * * MON-FRI", true)]
    [InlineData("@every_second", false)]
    [InlineData("* * * * * *", false)]
    [InlineData("0 9 * *", false)]
    public void A_cron_expression_has_five_fields_and_minute_precision(string cron, bool valid)
    {
        var errors = new Dictionary<string, string[]>();

        ScheduleOccurrences.Check(new ScheduleTiming(null, cron, "Europe/Paris", null), null, DateTimeOffset.UnixEpoch, errors);

        Assert.Equal(valid, !errors.ContainsKey("cron"));
    }
}
