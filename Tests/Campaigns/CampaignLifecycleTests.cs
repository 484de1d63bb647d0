using System.Net;

namespace Outbound.Tests.Campaigns;

/// <summary>Which lifecycle command a campaign takes in which status, and what a refused one says.</summary>
[Collection(CampaignCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CampaignLifecycleTests(CampaignSystem system)
{
    private async Task<(OrgClient Org, Guid Id)> DraftAsync()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, await org.CreateCampaignAsync(configuration));
    }

    [Fact]
    public async Task Starting_a_campaign_without_an_audience_is_a_409_that_says_to_upload_one()
    {
        var (org, id) = await DraftAsync();

        var problem = await (await org.CommandAsync(id, "start")).Json(HttpStatusCode.Conflict);

        Assert.Contains("upload an audience", problem["detail"]!.GetValue<string>());
        Assert.Equal("draft", (await org.CampaignAsync(id)).Status());
    }

    [Fact]
    public async Task Starting_a_campaign_whose_audience_has_no_valid_contact_is_a_409_that_says_to_upload_one()
    {
        var (org, id) = await DraftAsync();
        await Audiences.SetAsync(system.Grains, org.OrgId, id, [], invalid: 5);

        var problem = await (await org.CommandAsync(id, "start")).Json(HttpStatusCode.Conflict);

        Assert.Contains("upload an audience", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    public async Task A_command_the_status_does_not_allow_is_a_409_naming_the_status(string verb)
    {
        var (org, id) = await DraftAsync();
        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("lifecycle", 10));

        var problem = await (await org.CommandAsync(id, verb)).Json(HttpStatusCode.Conflict);

        Assert.Contains("is ready", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancelled_campaign_has_ended_and_takes_no_command_or_audience()
    {
        var (org, id) = await DraftAsync();
        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("cancel", 10));

        var cancelled = await (await org.CommandAsync(id, "cancel")).Json(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.Status());
        Assert.NotNull(cancelled["endedAt"]);
        foreach (var verb in new[] { "start", "pause", "resume", "cancel" })
        {
            var problem = await (await org.CommandAsync(id, verb)).Json(HttpStatusCode.Conflict);
            Assert.Contains("is cancelled", problem["detail"]!.GetValue<string>());
        }

        var audience = await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("cancel", 10));
        Assert.Equal(Outbound.Campaigns.CampaignCommandStatus.Conflict, audience.Status);
    }

    [Fact]
    public async Task A_new_audience_replaces_the_one_before_until_the_campaign_starts()
    {
        var (org, id) = await DraftAsync();
        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("replace", 10));

        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("replace", 30));

        Assert.Equal(30, (await org.CampaignAsync(id)).Number("total"));
    }

    [Fact]
    public async Task Commands_on_an_unknown_campaign_are_404()
    {
        var org = await system.CreateOrgAsync();

        foreach (var verb in new[] { "start", "pause", "resume", "cancel" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await org.CommandAsync(Guid.NewGuid(), verb)).StatusCode);
        }
    }
}
