using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Outbound.Tests.Campaigns;

/// <summary>
/// A running campaign sends its audience in 100-contact requests through the send path: every contact once, in the
/// hour's quota, resuming where it stopped. The clock is moved to the next hour instead of waiting for it.
/// </summary>
[Collection(CampaignCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CampaignSendingTests(CampaignSystem system)
{
    private static string NewRun() => Guid.NewGuid().ToString("N")[..10];

    private async Task<(OrgClient Org, Guid Configuration)> SetupAsync(int? requestsPerHour = null)
    {
        var org = await system.CreateOrgAsync();
        if (requestsPerHour is { } limit)
        {
            using var admin = system.Admin();
            (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = limit })).EnsureSuccessStatusCode();
        }

        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, configuration);
    }

    private async Task<Guid> ReadyCampaignAsync(OrgClient org, Guid configuration, string run, int contacts, double? quotaShare = null)
    {
        var id = await org.CreateCampaignAsync(configuration, quotaShare);
        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts(run, contacts));
        return id;
    }

    private Task<JsonObject> WaitForAsync(OrgClient org, Guid id, Func<JsonObject, bool> condition, int timeoutMs = 30_000) =>
        Eventually.ReturnsAsync(() => org.CampaignAsync(id), condition, timeoutMs, pollMs: 100, describe: c => c.ToJsonString());

    private static DateTimeOffset WaitingUntil(JsonObject campaign) => campaign["waitingUntil"]!.GetValue<DateTimeOffset>();

    /// <summary>Moves the silo's clock past the hour the campaign waits for.</summary>
    private void MovePast(DateTimeOffset until) => system.Clock.Advance(until - system.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_started_campaign_sends_every_contact_once_in_requests_of_100_and_completes()
    {
        var (org, configuration) = await SetupAsync();
        var run = NewRun();
        var id = await ReadyCampaignAsync(org, configuration, run, 250);

        var started = await (await org.CommandAsync(id, "start")).Json(HttpStatusCode.OK);

        Assert.Contains(started.Status(), new[] { "running", "completed" });
        var done = await WaitForAsync(org, id, c => c.Status() == "completed");
        Assert.Equal(3, done.Number("requestsSent"));
        Assert.Equal(250, done.Number("accepted"));
        Assert.NotNull(done["startedAt"]);
        Assert.NotNull(done["endedAt"]);
        Assert.Null(done["etaSeconds"]);
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 250, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 250), await system.Providers.ContactsSentAsync(run));
        // The campaign's report: its messages reach the provider fake, which delivers them.
        await WaitForAsync(org, id, c => c.Number("delivered") == 250 && c.Number("sent") == 250);
    }

    [Fact]
    public async Task A_campaign_over_the_hourly_quota_waits_for_the_next_clock_hour_and_goes_on_there()
    {
        // Two requests an hour, all of it the campaign's to use: five requests take three clock hours.
        var (org, configuration) = await SetupAsync(requestsPerHour: 2);
        var run = NewRun();
        var id = await ReadyCampaignAsync(org, configuration, run, 500, quotaShare: 1);
        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();

        var waiting = await WaitForAsync(org, id, c => c["waitingUntil"] is not null);
        Assert.Equal("running", waiting.Status());
        Assert.Equal(2, waiting.Number("requestsSent"));
        var until = WaitingUntil(waiting);
        Assert.Equal(CampaignHour(system.Clock.GetUtcNow()).AddHours(1), until);
        // Three requests left, two an hour: into the hour after next.
        Assert.InRange(waiting.Number("etaSeconds"), (int)(until - system.Clock.GetUtcNow()).TotalSeconds + 3600, int.MaxValue);

        MovePast(until);
        var next = await WaitForAsync(org, id, c => c.Number("requestsSent") == 4 && c["waitingUntil"] is not null);
        MovePast(WaitingUntil(next));
        await WaitForAsync(org, id, c => c.Status() == "completed");

        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 500, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 500), await system.Providers.ContactsSentAsync(run));
    }

    [Fact]
    public async Task A_request_whose_position_could_not_be_stored_is_replayed_not_sent_twice()
    {
        var (org, configuration) = await SetupAsync(requestsPerHour: 1);
        var run = NewRun();
        var id = await ReadyCampaignAsync(org, configuration, run, 200, quotaShare: 1);
        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();
        var waiting = await WaitForAsync(org, id, c => c["waitingUntil"] is not null);

        // The next request is accepted, then storing the campaign's position fails, as a crash between the two would.
        system.Faults.FailingStateWrites = "campaignRun";
        var failuresBefore = system.Faults.StorageFailures;
        try
        {
            MovePast(WaitingUntil(waiting));
            await Eventually.HoldsAsync(() => Task.FromResult(system.Faults.StorageFailures >= failuresBefore + 2), TimeSpan.FromSeconds(30), "the campaign never sent again");
        }
        finally
        {
            system.Faults.Clear();
        }

        var done = await WaitForAsync(org, id, c => c.Status() == "completed");
        Assert.Equal(200, done.Number("accepted"));
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 200, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 200), await system.Providers.ContactsSentAsync(run));
    }

    [Fact]
    public async Task A_campaign_whose_configuration_became_inactive_pauses_saying_why_and_resumes_where_it_stopped()
    {
        var (org, configuration) = await SetupAsync(requestsPerHour: 1);
        var run = NewRun();
        var id = await ReadyCampaignAsync(org, configuration, run, 200, quotaShare: 1);
        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();
        var waiting = await WaitForAsync(org, id, c => c["waitingUntil"] is not null);
        var shown = await (await org.Http.GetAsync($"/v1/outbound-configurations/{configuration}")).Json(HttpStatusCode.OK);
        await SetActiveAsync(org, configuration, shown, active: false);

        MovePast(WaitingUntil(waiting));
        var paused = await WaitForAsync(org, id, c => c.Status() == "paused");

        Assert.Equal("configuration_inactive", paused["pausedReason"]!.GetValue<string>());
        Assert.Equal(1, paused.Number("requestsSent"));
        await SetActiveAsync(org, configuration, shown, active: true);
        var resumed = await (await org.CommandAsync(id, "resume")).Json(HttpStatusCode.OK);
        Assert.Null(resumed["pausedReason"]);
        await WaitForAsync(org, id, c => c.Status() == "completed");
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 200, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 200), await system.Providers.ContactsSentAsync(run));
    }

    [Fact]
    public async Task A_paused_campaign_sends_nothing_until_resumed_and_then_goes_on_where_it_stopped()
    {
        var (org, configuration) = await SetupAsync(requestsPerHour: 1);
        var run = NewRun();
        var id = await ReadyCampaignAsync(org, configuration, run, 200, quotaShare: 1);
        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();
        var waiting = await WaitForAsync(org, id, c => c["waitingUntil"] is not null);

        var paused = await (await org.CommandAsync(id, "pause")).Json(HttpStatusCode.OK);
        Assert.Equal("paused", paused.Status());
        Assert.Null(paused["waitingUntil"]);
        Assert.Null(paused["pausedReason"]);
        Assert.NotNull(paused["etaSeconds"]);
        MovePast(WaitingUntil(waiting));
        Assert.Equal(1, (await org.CampaignAsync(id)).Number("requestsSent"));

        (await org.CommandAsync(id, "resume")).EnsureSuccessStatusCode();
        var done = await WaitForAsync(org, id, c => c.Status() == "completed");
        Assert.Equal(2, done.Number("requestsSent"));
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 200, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 200), await system.Providers.ContactsSentAsync(run));
    }

    [Fact]
    public async Task A_campaign_whose_audience_blobs_are_gone_pauses_saying_so_and_sends_nothing()
    {
        var (org, configuration) = await SetupAsync();
        var id = await org.CreateCampaignAsync(configuration);
        // An upload named to the campaign whose part blobs do not exist (deleted from the storage account, say).
        var audience = new Outbound.Campaigns.CampaignAudience(Guid.NewGuid(), 150, 150, 0, DateTimeOffset.UtcNow);
        await system.Grains.GetGrain<Outbound.Campaigns.ICampaignGrain>(Outbound.Catalog.CatalogKeys.Item(org.OrgId, id)).SetAudienceAsync(audience);

        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();

        var paused = await WaitForAsync(org, id, c => c.Status() == "paused");
        Assert.Equal("audience_missing", paused["pausedReason"]!.GetValue<string>());
        Assert.Equal(0, paused.Number("requestsSent"));
    }

    [Fact]
    public async Task A_campaign_uses_no_more_than_its_share_of_the_hour_and_instant_sends_keep_the_rest()
    {
        // Ten requests an hour, half of them the campaigns': eight requests take two clock hours.
        var (org, configuration) = await SetupAsync(requestsPerHour: 10);
        var run = NewRun();
        var id = await ReadyCampaignAsync(org, configuration, run, 800, quotaShare: 0.5);
        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();

        var waiting = await WaitForAsync(org, id, c => c["waitingUntil"] is not null);
        Assert.Equal(5, waiting.Number("requestsSent"));
        Assert.Equal(CampaignHour(system.Clock.GetUtcNow()).AddHours(1), WaitingUntil(waiting));
        // The rest of the hour's quota is the instant sends'.
        var instant = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new { CustomerName = "Ana", CaseName = "instant" } } },
        });
        Assert.Equal(HttpStatusCode.Accepted, instant.StatusCode);

        MovePast(WaitingUntil(waiting));
        var done = await WaitForAsync(org, id, c => c.Status() == "completed");
        Assert.Equal(8, done.Number("requestsSent"));
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 800, TimeSpan.FromSeconds(30), "not every contact was sent");
        Assert.Equal(Enumerable.Range(0, 800), await system.Providers.ContactsSentAsync(run));
    }

    private static async Task SetActiveAsync(OrgClient org, Guid configuration, JsonObject shown, bool active)
    {
        var body = new
        {
            name = shown["name"]!.GetValue<string>(),
            showInTimeline = true,
            channelType = "sms",
            channelId = shown["channelId"]!.GetValue<Guid>(),
            templateId = shown["templateId"]!.GetValue<Guid>(),
            active,
        };
        (await org.Http.PutAsJsonAsync($"/v1/outbound-configurations/{configuration}", body)).EnsureSuccessStatusCode();
    }

    private static DateTimeOffset CampaignHour(DateTimeOffset now) => new(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
}
