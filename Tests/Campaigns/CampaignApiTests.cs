using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Outbound.Campaigns;

namespace Outbound.Tests.Campaigns;

/// <summary>Campaigns as catalog items: created as drafts with a quota share, validated, listed, replaced and deleted.</summary>
[Collection(CampaignCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CampaignApiTests(CampaignSystem system)
{
    [Fact]
    public async Task A_new_campaign_is_a_draft_with_the_default_quota_share_and_no_progress()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var response = await org.Http.PostAsJsonAsync("/v1/campaigns", new { name = "  Spring sale ", configurationId = configuration });

        var created = await response.Json(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal($"/v1/campaigns/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("Spring sale", created["name"]!.GetValue<string>());
        Assert.Equal(Campaign.DefaultQuotaShare, created["quotaShare"]!.GetValue<double>());
        Assert.Equal("draft", created.Status());
        Assert.Equal(0, created.Number("total"));
        Assert.Equal(0, created.Number("requestsSent"));
        Assert.Null(created["audience"]);
        Assert.Null(created["etaSeconds"]);
        Assert.Equal(created.ToJsonString(), (await org.CampaignAsync(id)).ToJsonString());
    }

    [Theory]
    [InlineData("""{"name":"","configurationId":"{configuration}"}""", "name")]
    [InlineData("""{"name":"Sale","configurationId":"{configuration}","quotaShare":0}""", "quotaShare")]
    [InlineData("""{"name":"Sale","configurationId":"{configuration}","quotaShare":1.5}""", "quotaShare")]
    [InlineData("""{"name":"Sale","configurationId":"{configuration}","quotaShare":-0.2}""", "quotaShare")]
    [InlineData("""{"name":"Sale"}""", "configurationId")]
    [InlineData("""{"name":"Sale","configurationId":"0196c1a4-0000-7000-8000-000000000000"}""", "configurationId")]
    public async Task A_bad_campaign_is_a_400_naming_the_field(string body, string field)
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var response = await org.Http.PostAsync("/v1/campaigns", new StringContent(body.Replace("{configuration}", configuration.ToString()), System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemNaming(field);
    }

    [Fact]
    public async Task A_name_of_201_characters_is_refused()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var response = await org.Http.PostAsJsonAsync("/v1/campaigns", new { name = new string('x', 201), configurationId = configuration });

        await response.AssertProblemNaming("name");
    }

    [Fact]
    public async Task Campaigns_are_listed_a_page_at_a_time_in_creation_order()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await org.CreateCampaignAsync(configuration, name: $"Campaign {i}"));
        }

        var first = await (await org.Http.GetAsync("/v1/campaigns?limit=2")).Json(HttpStatusCode.OK);
        var second = await (await org.Http.GetAsync($"/v1/campaigns?limit=2&cursor={first["nextCursor"]!.GetValue<string>()}")).Json(HttpStatusCode.OK);

        var listed = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(c => c!["id"]!.GetValue<Guid>());
        Assert.Equal(ids, listed);
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task A_replace_changes_the_name_and_share_and_a_left_out_share_is_the_default_again()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var id = await org.CreateCampaignAsync(configuration, quotaShare: 0.5);

        var replaced = await (await org.Http.PutAsJsonAsync($"/v1/campaigns/{id}", new { name = "Renamed", configurationId = configuration })).Json(HttpStatusCode.OK);

        Assert.Equal("Renamed", replaced["name"]!.GetValue<string>());
        Assert.Equal(Campaign.DefaultQuotaShare, replaced["quotaShare"]!.GetValue<double>());
        Assert.Equal(2, replaced.Number("version"));
    }

    [Fact]
    public async Task A_deleted_campaign_is_gone()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var id = await org.CreateCampaignAsync(configuration);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/campaigns/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/campaigns/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.DeleteAsync($"/v1/campaigns/{id}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_campaign_deletes_its_audience_from_blob_storage()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var id = await org.CreateCampaignAsync(configuration);
        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("delete", 150));
        var container = new BlobServiceClient(TestEnvironment.StorageConnectionString).GetBlobContainerClient(AudienceBlobs.Container);
        async Task<int> BlobsAsync() =>
            await container.GetBlobsAsync(new GetBlobsOptions { Prefix = AudienceBlobs.CampaignPrefix(org.OrgId, id) }).CountAsync();
        Assert.Equal(1, await BlobsAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/campaigns/{id}")).StatusCode);

        Assert.Equal(0, await BlobsAsync());
    }

    [Fact]
    public async Task Another_org_cannot_see_a_campaign()
    {
        var org = await system.CreateOrgAsync();
        var other = await system.CreateOrgAsync("Fabrikam");
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var id = await org.CreateCampaignAsync(configuration);

        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/v1/campaigns/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.CommandAsync(id, "start")).StatusCode);
    }

    [Fact]
    public async Task An_uploaded_audience_makes_the_campaign_ready_and_shows_its_summary()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var id = await org.CreateCampaignAsync(configuration);

        var result = await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts("ready", 250), invalid: 3);

        Assert.Equal(CampaignCommandStatus.Done, result.Status);
        var shown = await org.CampaignAsync(id);
        Assert.Equal("ready", shown.Status());
        Assert.Equal(250, shown.Number("total"));
        Assert.Equal(3, shown.Number("invalid"));
        var audience = shown["audience"]!.AsObject();
        Assert.Equal(253, audience.Number("rows"));
        Assert.Equal(250, audience.Number("valid"));
    }
}
