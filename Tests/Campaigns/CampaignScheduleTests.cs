using System.Net;
using System.Net.Http.Json;
using Outbound.Catalog;
using Outbound.Schedules;

namespace Outbound.Tests.Campaigns;

/// <summary>A schedule that starts a campaign instead of sending to its own contacts.</summary>
[Collection(CampaignCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CampaignScheduleTests(CampaignSystem system)
{
    [Fact]
    public async Task A_schedule_with_a_campaign_starts_it_when_its_time_comes_and_the_run_says_so()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var campaign = await org.CreateCampaignAsync(configuration);
        var run = Guid.NewGuid().ToString("N")[..10];
        await Audiences.SetAsync(system.Grains, org.OrgId, campaign, Audiences.Contacts(run, 120));

        var created = await (await org.Http.PostAsJsonAsync("/v1/schedules", new { name = "Sale at nine", campaignId = campaign, after = "PT1M" })).Json(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal(campaign, created["campaignId"]!.GetValue<Guid>());
        Assert.Equal(configuration, created["configurationId"]!.GetValue<Guid>());
        Assert.Empty(created["contacts"]!.AsArray());
        system.Clock.Advance(TimeSpan.FromSeconds(61));
        await system.Grains.GetGrain<IScheduleGrain>(CatalogKeys.Item(org.OrgId, id)).RunDueAsync();

        var shown = await (await org.Http.GetAsync($"/v1/schedules/{id}")).Json(HttpStatusCode.OK);
        var ran = Assert.Single(shown["runs"]!.AsArray())!;
        Assert.Equal("campaign_started", ran["outcome"]!.GetValue<string>());
        Assert.Null(ran["batchId"]);
        await Eventually.ReturnsAsync(() => org.CampaignAsync(campaign), c => c.Status() == "completed", timeoutMs: 30_000, pollMs: 100);
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 120, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 120), await system.Providers.ContactsSentAsync(run));
    }

    [Fact]
    public async Task A_schedule_run_that_finds_its_campaign_without_an_audience_records_why_it_did_not_start()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var campaign = await org.CreateCampaignAsync(configuration);
        var id = (await (await org.Http.PostAsJsonAsync("/v1/schedules", new { name = "Too early", campaignId = campaign, after = "PT1M" })).Json(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        system.Clock.Advance(TimeSpan.FromSeconds(61));
        await system.Grains.GetGrain<IScheduleGrain>(CatalogKeys.Item(org.OrgId, id)).RunDueAsync();

        var shown = await (await org.Http.GetAsync($"/v1/schedules/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("campaign_without_audience", Assert.Single(shown["runs"]!.AsArray())!["outcome"]!.GetValue<string>());
        Assert.Equal("draft", (await org.CampaignAsync(campaign)).Status());
    }

    [Fact]
    public async Task A_schedule_of_an_unknown_campaign_is_a_400_naming_campaignId()
    {
        var org = await system.CreateOrgAsync();

        var response = await org.Http.PostAsJsonAsync("/v1/schedules", new { name = "Nothing", campaignId = Guid.NewGuid(), after = "PT1M" });

        await response.AssertProblemNaming("campaignId");
    }

    [Fact]
    public async Task A_schedule_with_both_contacts_and_a_campaign_is_a_400_naming_campaignId()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var campaign = await org.CreateCampaignAsync(configuration);

        var response = await org.Http.PostAsJsonAsync("/v1/schedules", new
        {
            name = "Both", configurationId = configuration, campaignId = campaign, after = "PT1M",
            contacts = new[] { new { tocontactid = "+14155550100", optin = true } },
        });

        await response.AssertProblemNaming("campaignId");
    }
}
