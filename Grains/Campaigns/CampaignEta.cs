namespace Outbound.Grains.Campaigns;

/// <summary>How long a campaign has left: its requests at the observed pace, and the clock hours its quota share makes it wait for.</summary>
public static class CampaignEta
{
    /// <summary>Before the first request is timed: a request through the send path takes a small fraction of a second.</summary>
    public const double DefaultPaceSeconds = 0.2;

    /// <summary>
    /// Seconds to the last of <paramref name="left"/> requests: at the observed pace, unless they do not fit in what
    /// is left of this hour's share; then to the start of the hour whose share takes the last of them, plus their
    /// sending in it.
    /// </summary>
    public static int Seconds(int left, CampaignRunState current, double quotaShare, int hourlyLimit, DateTimeOffset now)
    {
        if (left <= 0)
        {
            return 0;
        }

        var pace = current.PaceSeconds > 0 ? current.PaceSeconds : DefaultPaceSeconds;
        var perHour = Math.Max(1, (int)Math.Floor(quotaShare * hourlyLimit));
        var waiting = current.WaitingUntil is { } until && until > now ? (until - now).TotalSeconds : 0;
        // A wait ends at a new clock hour, with its whole share.
        var room = waiting > 0 ? perHour : Math.Max(0, perHour - (current.HourStart == HourOf(now) ? current.HourRequests : 0));
        var sending = left * pace;
        double seconds;
        if (left <= room)
        {
            seconds = waiting + sending;
        }
        else
        {
            var beyond = left - room;
            var hours = (beyond + perHour - 1) / perHour;
            var toNextHour = waiting > 0 ? waiting + 3600 : (HourOf(now).AddHours(1) - now).TotalSeconds;
            var inLastHour = beyond - ((hours - 1) * perHour);
            seconds = Math.Max(waiting + sending, toNextHour + ((hours - 1) * 3600.0) + (inLastHour * pace));
        }

        return (int)Math.Min(int.MaxValue, Math.Ceiling(seconds));
    }

    /// <summary>The UTC clock hour <paramref name="instant"/> is in: the quota's window.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
