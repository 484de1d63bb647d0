using Outbound.Bench;
using Xunit.Abstractions;

namespace Outbound.Tests.Bench;

/// <summary>
/// The <c>campaign</c> scenario in process, small and without the silo kill (that needs bench.sh's processes): it
/// must upload, send to the end and find every valid contact exactly once in the fake's ledger, each clock hour within
/// the share. Numbers are not asserted.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CampaignBenchSmokeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 150_000)]
    public async Task A_short_campaign_bench_run_sends_every_valid_contact_once_within_the_share_of_each_hour()
    {
        var result = await SmokeRuns.RunAsync(output, options => options with { Scenario = Scenarios.Campaign, AudienceRows = 2_500 });

        var campaign = result.Campaign;
        Assert.NotNull(campaign);
        Assert.Equal("completed", campaign.Status);
        Assert.Null(campaign.KilledAtRequest);
        // Rows 1,000 and 2,000 carry a number without its +: refused at upload, never sent.
        Assert.Equal(2_498, campaign.Contacts);
        Assert.Equal(2_498, campaign.LedgerRows);
        Assert.Equal(0, campaign.Lost);
        Assert.Equal(0, campaign.Duplicated);
        Assert.Equal(0, campaign.Unexpected);
        Assert.NotEmpty(campaign.Hours);
        Assert.Equal(campaign.Contacts, campaign.Hours.Sum(h => h.CampaignMessages));
        Assert.True(campaign.HoursClean);
        Assert.True(result.Clean);
    }
}
