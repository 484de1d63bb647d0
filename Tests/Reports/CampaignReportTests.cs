using System.Net;
using Outbound.Sending;
using Outbound.Tests.Activities;

namespace Outbound.Tests.Reports;

/// <summary>A campaign's report is the outbound report filtered by the campaign: only the messages it sent.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CampaignReportTests(OutboundSystem system)
{
    private static SendContact Contact(string to) =>
        new(to, true, null, ImmutableDictionary<string, string>.Empty.Add("CustomerName", "Ana").Add("CaseName", "CAS-1"), null);

    private async Task<string[]> SendAsCampaignAsync(OrgClient org, Guid configuration, Guid campaignId, params string[] numbers)
    {
        var batchId = Guid.NewGuid();
        var request = new SendRequest(configuration, [.. numbers.Select(Contact)]) { Campaign = new CampaignSend(campaignId, 0.8) };
        var receipt = await system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org.OrgId, batchId)).AcceptAsync(request, batchId.ToString("N"));
        Assert.Equal(ReceiptStatus.Accepted, receipt.Status);
        return [.. receipt.Results.Select(r => r.MessageId!)];
    }

    [Fact]
    public async Task A_report_by_campaign_counts_and_lists_only_that_campaigns_messages()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var campaign = Guid.NewGuid();
        var campaignMessages = await SendAsCampaignAsync(org, configuration, campaign, ActivityApi.UniqueNumber(), ActivityApi.UniqueNumber());
        var otherCampaignMessages = await SendAsCampaignAsync(org, configuration, Guid.NewGuid(), ActivityApi.UniqueNumber());
        var instantMessages = await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()));
        await Eventually.ReturnsAsync(() => org.Http.ReportAsync(configuration), r => r.Count("total") == 4, timeoutMs: 20_000, pollMs: 100);

        var report = await (await org.Http.GetAsync($"/v1/reports/outbound?campaignId={campaign}")).Json(HttpStatusCode.OK);
        var recipients = (await org.Http.GetStringAsync($"/v1/reports/outbound/recipients?campaignId={campaign}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList();

        Assert.Equal(2, report.Count("total"));
        Assert.Equal(campaign, report["campaignId"]!.GetValue<Guid>());
        Assert.Equal(campaignMessages.Order(), recipients.Order());
        Assert.DoesNotContain(otherCampaignMessages[0], recipients);
        Assert.DoesNotContain(instantMessages[0], recipients);
    }

    [Theory]
    [InlineData("/v1/reports/outbound?campaignId=42")]
    [InlineData("/v1/reports/outbound/recipients?campaignId=not-a-guid")]
    public async Task A_campaign_id_that_is_not_a_guid_is_a_problem_naming_it(string path)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.GetAsync(path)).AssertProblemNaming("campaignId");
    }
}
