using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Outbound.Campaigns;

namespace Outbound.Tests.Campaigns;

/// <summary>The system with a lower row limit per audience, so a test can go past it.</summary>
public sealed class AudienceSystem : OutboundSystem
{
    public const int MaxRows = 12_000;

    protected override (string Key, object? Value)[] GatewaySettings => [("AUDIENCE_MAX_ROWS", MaxRows)];
}

/// <summary>
/// A campaign's audience, uploaded as CSV or JSON Lines: its valid rows kept in order in part blobs, each refused
/// row in the row-error report, replaced by a new upload until the campaign starts.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AudienceUploadTests(AudienceSystem system) : IClassFixture<AudienceSystem>
{
    [Fact]
    public async Task A_csv_audience_is_kept_in_order_in_parts_of_10000_and_becomes_the_campaigns()
    {
        var (org, campaign) = await CampaignAsync();
        var csv = new StringBuilder("tocontactid,optin,locale,CustomerName\n");
        for (var i = 0; i < 10_005; i++)
        {
            csv.Append(Number(i)).Append(",true,en-US,Customer ").Append(i).Append('\n');
        }

        var uploaded = await (await UploadAsync(org, campaign, csv.ToString(), "text/csv")).Json(HttpStatusCode.OK);

        Assert.Equal((10_005, 10_005, 0), (uploaded.Number("rows"), uploaded.Number("valid"), uploaded.Number("invalid")));
        Assert.Equal($"/v1/campaigns/{campaign}/audience/errors", uploaded["errorsUrl"]!.GetValue<string>());
        var parts = await PartsAsync(org.OrgId, campaign, uploaded["uploadId"]!.GetValue<Guid>());
        Assert.Equal([10_000, 5], parts.Select(p => p.Length));
        var lines = parts.SelectMany(p => p).ToArray();
        Assert.Equal(Enumerable.Range(1, 10_005), lines.Select(l => l.Row));
        Assert.Equal(Enumerable.Range(0, 10_005).Select(Number), lines.Select(l => l.To));
        Assert.Equal("Customer 10004", lines[^1].ContextItems!["CustomerName"]);
        var view = await org.CampaignAsync(campaign);
        Assert.Equal(("ready", 10_005), (view.Status(), view.Number("total")));
        Assert.Equal(uploaded.ToJsonString(), (await (await org.Http.GetAsync($"/v1/campaigns/{campaign}/audience")).Json(HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task A_json_lines_audience_keeps_its_valid_contacts_and_reports_each_invalid_row_with_its_field()
    {
        var (org, campaign) = await CampaignAsync();
        var lines = """
            {"tocontactid":"+14155550100","optin":true,"contextitems":{"CaseName":"CAS-1"}}
            {"tocontactid":"4155550101","optin":true}
            {"tocontactid":"+14155550102","optin":false,"locale":"fr-FR","entityrelationshipname":"incident"}
            {"tocontactid":"+14155550103","optin":true,"=HYPERLINK(\"x\")":1}
            {"tocontactid":"+14155550104","optin":"yes"}
            """;

        var uploaded = await (await UploadAsync(org, campaign, lines, "application/x-ndjson")).Json(HttpStatusCode.OK);

        Assert.Equal((5, 2, 3), (uploaded.Number("rows"), uploaded.Number("valid"), uploaded.Number("invalid")));
        var part = Assert.Single(await PartsAsync(org.OrgId, campaign, uploaded["uploadId"]!.GetValue<Guid>()));
        Assert.Equal([(1, "+14155550100", true), (3, "+14155550102", false)], part.Select(l => (l.Row, l.To, l.OptIn)));
        Assert.Equal("CAS-1", part[0].ContextItems!["CaseName"]);
        Assert.Equal(("fr-FR", "incident"), (part[1].Locale, part[1].EntityRelationshipName));
        var errors = await org.Http.GetAsync($"/v1/campaigns/{campaign}/audience/errors");
        Assert.Equal(HttpStatusCode.OK, errors.StatusCode);
        Assert.Equal("text/csv", errors.Content.Headers.ContentType!.MediaType);
        var report = (await errors.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,field,reason", report[0]);
        // A field named like a formula is written so that a spreadsheet shows it as text.
        Assert.Equal(["2,tocontactid,", "4,\"'=HYPERLINK(\"\"x\"\")\",", "5,optin,"], report[1..].Select(l => l[..(l.IndexOf(',', l.IndexOf(',') + 1) + 1)]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_audience_over_the_row_limit_is_refused_and_records_nothing()
    {
        var (org, campaign) = await CampaignAsync();
        var csv = "tocontactid,optin\n" + string.Concat(Enumerable.Range(0, AudienceSystem.MaxRows + 1).Select(i => $"{Number(i)},true\n"));

        var response = await UploadAsync(org, campaign, csv, "text/csv");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/campaigns/{campaign}/audience")).StatusCode);
        Assert.Equal("draft", (await org.CampaignAsync(campaign)).Status());
        Assert.Empty(await BlobsAsync(org.OrgId, campaign));
    }

    [Fact]
    public async Task A_new_upload_replaces_the_audience_and_its_blobs()
    {
        var (org, campaign) = await CampaignAsync();
        var first = await (await UploadAsync(org, campaign, "tocontactid,optin\n+14155550100,true\n+14155550101,true\n", "text/csv")).Json(HttpStatusCode.OK);

        var second = await (await UploadAsync(org, campaign, "tocontactid,optin\n+14155550109,true\n", "text/csv")).Json(HttpStatusCode.OK);

        var view = await org.CampaignAsync(campaign);
        Assert.Equal(second["uploadId"]!.GetValue<Guid>(), view["audience"]!["uploadId"]!.GetValue<Guid>());
        Assert.Equal(1, view.Number("total"));
        var firstUpload = first["uploadId"]!.GetValue<Guid>();
        Assert.DoesNotContain(await BlobsAsync(org.OrgId, campaign), b => b.StartsWith(AudienceBlobs.Prefix(org.OrgId, campaign, firstUpload), StringComparison.Ordinal));
        Assert.Equal(["+14155550109"], (await PartsAsync(org.OrgId, campaign, second["uploadId"]!.GetValue<Guid>())).SelectMany(p => p).Select(l => l.To));
    }

    [Fact]
    public async Task An_upload_to_a_started_campaign_is_a_409_and_keeps_its_audience()
    {
        var (org, campaign) = await CampaignAsync();
        var uploaded = await (await UploadAsync(org, campaign, "tocontactid,optin\n+14155550100,true\n", "text/csv")).Json(HttpStatusCode.OK);
        Assert.True((await org.CommandAsync(campaign, "start")).IsSuccessStatusCode);

        var response = await UploadAsync(org, campaign, "tocontactid,optin\n+14155550101,true\n", "text/csv");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(uploaded["uploadId"]!.GetValue<Guid>(), (await org.CampaignAsync(campaign))["audience"]!["uploadId"]!.GetValue<Guid>());
        Assert.Single(await PartsAsync(org.OrgId, campaign, uploaded["uploadId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task A_slug_column_reaches_the_message_sent_to_its_contact()
    {
        var (org, campaign) = await CampaignAsync();
        var run = $"slug{Guid.NewGuid():N}"[..12];
        await (await UploadAsync(org, campaign, $"tocontactid,optin,CustomerName,contextitems.CaseName\n+14155550142,true,Zoë,{run}\n", "text/csv")).Json(HttpStatusCode.OK);

        Assert.True((await org.CommandAsync(campaign, "start")).IsSuccessStatusCode);

        var bodies = await Eventually.ReturnsAsync(() => system.Providers.LedgerBodiesAsync(run), b => b.Length > 0, timeoutMs: 15_000);
        Assert.Equal($"Hi Zoë, case {run} is open.", Assert.Single(bodies));
    }

    [Fact]
    public async Task A_campaign_without_an_audience_has_no_audience_or_report()
    {
        var (org, campaign) = await CampaignAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/campaigns/{campaign}/audience")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/campaigns/{campaign}/audience/errors")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(org, Guid.NewGuid(), "tocontactid,optin\n+14155550100,true\n", "text/csv")).StatusCode);
    }

    private async Task<(OrgClient Org, Guid Campaign)> CampaignAsync()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, await org.CreateCampaignAsync(configuration));
    }

    private static Task<HttpResponseMessage> UploadAsync(OrgClient org, Guid campaign, string body, string contentType) =>
        org.Http.PutAsync($"/v1/campaigns/{campaign}/audience", new StringContent(body, Encoding.UTF8, contentType));

    private static string Number(int i) => $"+1415{2_000_000 + i}";

    private static BlobContainerClient Container =>
        new BlobServiceClient(TestEnvironment.StorageConnectionString).GetBlobContainerClient(AudienceBlobs.Container);

    private static async Task<List<string>> BlobsAsync(Guid orgId, Guid campaign)
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{orgId:N}/{campaign:N}/" }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private static async Task<AudienceLine[][]> PartsAsync(Guid orgId, Guid campaign, Guid upload)
    {
        var parts = new List<AudienceLine[]>();
        for (var part = 0; ; part++)
        {
            var blob = Container.GetBlobClient(AudienceBlobs.Part(orgId, campaign, upload, part));
            if (!await blob.ExistsAsync())
            {
                return [.. parts];
            }

            var text = (await blob.DownloadContentAsync()).Value.Content.ToString();
            parts.Add([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => AudienceLine.Parse(Encoding.UTF8.GetBytes(l)))]);
        }
    }
}
