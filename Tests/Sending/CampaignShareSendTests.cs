using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Sending;

namespace Outbound.Tests.Sending;

/// <summary>A system whose silo clock starts each test just after a clock hour begins, so no test straddles two hours.</summary>
public sealed class CampaignShareSystem : OutboundSystem
{
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    /// <summary>Moves the silo's clock to a minute into the next clock hour (always forward); returns the hour after it.</summary>
    public DateTimeOffset StartNextHour()
    {
        var now = Clock.GetUtcNow();
        var next = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        Clock.Advance(next.AddMinutes(1) - now);
        return next.AddHours(1);
    }
}

/// <summary>The send path takes a campaign's request only within the campaigns' share of the org's hourly quota.</summary>
[Trait("Category", "Integration")]
public sealed class CampaignShareSendTests(CampaignShareSystem system) : IClassFixture<CampaignShareSystem>
{
    private const int Limit = 4;

    private async Task<(OrgClient Org, Guid Configuration)> OrgWithLimitAsync()
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();
        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = Limit })).Json(HttpStatusCode.OK);
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, configuration);
    }

    private ISendBatchGrain Batch(OrgClient org, Guid batchId) => system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org.OrgId, batchId));

    private static SendRequest CampaignRequest(Guid configuration, Guid campaignId, string caseName) =>
        new(configuration, [new SendContact("+14155550142", true, null, ImmutableDictionary<string, string>.Empty.Add("CustomerName", "Ana").Add("CaseName", caseName), null)])
        {
            Campaign = new CampaignSend(campaignId, 0.5),
        };

    private async Task<SendReceipt> SendCampaignRequestAsync(OrgClient org, Guid configuration, Guid campaignId, Guid? batchId = null) =>
        await Batch(org, batchId ?? Guid.NewGuid()).AcceptAsync(CampaignRequest(configuration, campaignId, "c"), "campaign-request");

    private static async Task<HttpStatusCode> SendOtherAsync(OrgClient org, Guid configuration) =>
        (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "o" } } },
        })).StatusCode;

    [Fact]
    public async Task A_campaign_request_beyond_the_share_stores_nothing_while_other_sends_get_the_rest_of_the_hour()
    {
        var resetAt = system.StartNextHour();
        var (org, configuration) = await OrgWithLimitAsync();
        var campaignId = Guid.NewGuid();
        var refusedBatch = Guid.NewGuid();

        var taken = new[] { await SendCampaignRequestAsync(org, configuration, campaignId), await SendCampaignRequestAsync(org, configuration, campaignId) };
        var refused = await SendCampaignRequestAsync(org, configuration, campaignId, refusedBatch);
        var others = new[] { await SendOtherAsync(org, configuration), await SendOtherAsync(org, configuration), await SendOtherAsync(org, configuration) };

        Assert.All(taken, r => Assert.Equal(ReceiptStatus.Accepted, r.Status));
        Assert.Equal(ReceiptStatus.CampaignShareUsed, refused.Status);
        Assert.Empty(refused.Results);
        Assert.Equal(resetAt, refused.Quota!.ResetAt);
        Assert.Empty(await Batch(org, refusedBatch).GetMessagesAsync([]));
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], others);
    }

    [Fact]
    public async Task A_refused_campaign_request_is_taken_with_the_same_batch_id_in_the_next_hour()
    {
        system.StartNextHour();
        var (org, configuration) = await OrgWithLimitAsync();
        var campaignId = Guid.NewGuid();
        var batchId = Guid.NewGuid();
        await SendCampaignRequestAsync(org, configuration, campaignId);
        await SendCampaignRequestAsync(org, configuration, campaignId);
        var refused = await SendCampaignRequestAsync(org, configuration, campaignId, batchId);

        system.StartNextHour();
        var taken = await SendCampaignRequestAsync(org, configuration, campaignId, batchId);

        Assert.Equal(ReceiptStatus.CampaignShareUsed, refused.Status);
        Assert.Equal(ReceiptStatus.Accepted, taken.Status);
        Assert.False(taken.Replayed);
    }

    [Fact]
    public async Task A_replayed_campaign_request_is_not_counted_again()
    {
        system.StartNextHour();
        var (org, configuration) = await OrgWithLimitAsync();
        var campaignId = Guid.NewGuid();
        var batchId = Guid.NewGuid();

        var first = await SendCampaignRequestAsync(org, configuration, campaignId, batchId);
        var replay = await SendCampaignRequestAsync(org, configuration, campaignId, batchId);
        var second = await SendCampaignRequestAsync(org, configuration, campaignId);

        Assert.Equal(ReceiptStatus.Accepted, first.Status);
        Assert.True(replay is { Status: ReceiptStatus.Accepted, Replayed: true }, $"{replay}");
        Assert.Equal(first.Results.Select(r => r.MessageId), replay.Results.Select(r => r.MessageId));
        Assert.Equal(ReceiptStatus.Accepted, second.Status);
    }
}
