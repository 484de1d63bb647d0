using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Outbound.Orgs;
using Outbound.Sending;

namespace Outbound.Tests.Orgs;

/// <summary>
/// Campaigns take at most their share of the org's hourly quota, so event-based and instant sends always keep the
/// rest: decided and counted by the OrgGrain with the hour's request count.
/// </summary>
public sealed class CampaignShareTests : IAsyncLifetime
{
    // 10:20 UTC: the current quota window is 10:00–11:00.
    private static readonly DateTimeOffset NextHour = new(2026, 11, 28, 11, 0, 0, TimeSpan.Zero);
    private static readonly NewApiKey FirstKey = new(Guid.NewGuid(), "default", ApiKeyScope.Admin, "hash", "sk_");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 20, 0, TimeSpan.Zero));
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OrgGrainCluster.StartAsync(_time);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<IOrgGrain> OrgWithLimitAsync(int requestsPerHour)
    {
        var org = _cluster.Client.GetGrain<IOrgGrain>(Guid.NewGuid());
        await org.CreateAsync("Contoso", FirstKey);
        await org.UpdateSettingsAsync(new OrgSettings(MaxRequestsPerHour: requestsPerHour));
        return org;
    }

    private static CampaignSend Campaign(double share = 0.5) => new(Guid.NewGuid(), share);

    private static async Task<List<QuotaDecision>> AcquireAsync(IOrgGrain org, int times, CampaignSend? campaign)
    {
        var decisions = new List<QuotaDecision>();
        for (var i = 0; i < times; i++)
        {
            decisions.Add(await org.TryAcquireSendAsync(campaign));
        }

        return decisions;
    }

    [Fact]
    public async Task A_campaign_request_beyond_the_share_is_refused_while_other_sends_still_get_the_full_limit()
    {
        var org = await OrgWithLimitAsync(10);
        var campaign = Campaign(0.5);

        var campaignDecisions = await AcquireAsync(org, 6, campaign);
        var otherDecisions = await AcquireAsync(org, 6, campaign: null);

        Assert.All(campaignDecisions[..5], d => Assert.True(d.Allowed));
        Assert.Equal(new QuotaDecision(false, 10, 5, NextHour, CampaignShareUsed: true), campaignDecisions[5]);
        Assert.All(otherDecisions[..5], d => Assert.True(d.Allowed));
        Assert.Equal(new QuotaDecision(false, 10, 0, NextHour), otherDecisions[5]);
    }

    [Fact]
    public async Task The_share_counts_every_campaign_of_the_org_together()
    {
        var org = await OrgWithLimitAsync(10);

        var first = await AcquireAsync(org, 3, Campaign(0.5));
        var second = await AcquireAsync(org, 3, Campaign(0.5));

        Assert.All(first, d => Assert.True(d.Allowed));
        Assert.Equal([true, true, false], second.Select(d => d.Allowed));
        Assert.True(second[2].CampaignShareUsed);
    }

    [Fact]
    public async Task The_next_clock_hour_takes_campaign_requests_again()
    {
        var org = await OrgWithLimitAsync(10);
        var campaign = Campaign(0.2);
        await AcquireAsync(org, 2, campaign);
        var refused = await org.TryAcquireSendAsync(campaign);

        _time.Advance(TimeSpan.FromMinutes(40));
        var nextHour = await AcquireAsync(org, 3, campaign);

        Assert.True(refused.CampaignShareUsed);
        Assert.Equal(NextHour, refused.ResetAt);
        Assert.Equal([true, true, false], nextHour.Select(d => d.Allowed));
        Assert.Equal(8, nextHour[1].Remaining);
    }

    [Fact]
    public async Task Counted_campaign_requests_survive_the_grain_being_deactivated()
    {
        var org = await OrgWithLimitAsync(10);
        var campaign = Campaign(0.3);
        await AcquireAsync(org, 2, campaign);

        await _cluster.DeactivateAsync(org);
        await _cluster.WaitForDeactivationAsync(org);
        var after = await AcquireAsync(org, 2, campaign);

        Assert.Equal([true, false], after.Select(d => d.Allowed));
        Assert.True(after[1].CampaignShareUsed);
    }

    [Fact]
    public async Task A_campaign_request_is_refused_for_the_quota_not_the_share_once_the_hour_is_used_up()
    {
        var org = await OrgWithLimitAsync(4);
        await AcquireAsync(org, 4, campaign: null);

        var refused = await org.TryAcquireSendAsync(Campaign(0.5));

        Assert.Equal(new QuotaDecision(false, 4, 0, NextHour), refused);
    }

    [Theory]
    [InlineData(0.8, 30_000, 24_000)]
    [InlineData(0.29, 100, 29)] // 28.999… in double arithmetic
    [InlineData(0.5, 3, 1)]
    [InlineData(1.0, 30_000, 30_000)]
    [InlineData(0.0, 30_000, 0)]
    public void The_share_is_the_floor_of_its_fraction_of_the_hourly_limit(double share, int limit, int expected) =>
        Assert.Equal(expected, new CampaignSend(Guid.NewGuid(), share).HourlyLimit(limit));
}
