using Outbound.Grains.Campaigns;

namespace Outbound.Tests.Campaigns;

/// <summary>A campaign's expected seconds to the end: its pace, and the clock hours its quota share makes it wait for.</summary>
public sealed class CampaignEtaTests
{
    // 10:20 UTC: forty minutes are left of this clock hour.
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 20, 0, TimeSpan.Zero);

    private static CampaignRunState Sending(double pace, int requestsThisHour) =>
        new() { PaceSeconds = pace, HourStart = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), HourRequests = requestsThisHour };

    [Fact]
    public void Requests_that_fit_in_this_hours_share_take_their_time_at_the_observed_pace()
    {
        // 80% of 30,000 is 24,000 requests an hour; 100 left at half a second each.
        Assert.Equal(50, CampaignEta.Seconds(100, Sending(pace: 0.5, requestsThisHour: 1_000), 0.8, 30_000, Now));
    }

    [Fact]
    public void Requests_beyond_this_hours_share_wait_for_the_next_hours()
    {
        // A share of 10 requests an hour, 4 used: 6 now, 10 in the next hour, the last 9 in the hour after.
        var seconds = CampaignEta.Seconds(25, Sending(pace: 1, requestsThisHour: 4), 0.5, 20, Now);

        Assert.Equal((40 * 60) + 3600 + 9, seconds);
    }

    [Fact]
    public void A_campaign_waiting_for_the_next_hour_counts_the_wait()
    {
        var waiting = new CampaignRunState { PaceSeconds = 1, WaitingUntil = new DateTimeOffset(2026, 11, 28, 11, 0, 0, TimeSpan.Zero) };

        Assert.Equal((40 * 60) + 5, CampaignEta.Seconds(5, waiting, 1, 10, Now));
    }
}
