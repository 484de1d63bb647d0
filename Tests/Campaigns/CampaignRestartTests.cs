using System.Net.Http.Json;

namespace Outbound.Tests.Campaigns;

/// <summary>
/// A running campaign survives a silo restart: its reminder brings it back, and it goes on from its stored position,
/// no contact missing and none sent twice. A system of its own, restarted before its clock moves (a silo restarted
/// on a clock moved ahead would be declared dead by the membership of the one before it).
/// </summary>
[Trait("Category", "Integration")]
public sealed class CampaignRestartTests(CampaignSystem system) : IClassFixture<CampaignSystem>
{
    [Fact]
    public async Task A_campaign_waiting_for_the_next_hour_goes_on_by_itself_after_a_silo_restart_and_sends_every_contact_once()
    {
        var org = await system.CreateOrgAsync();
        using (var admin = system.Admin())
        {
            (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = 3 })).EnsureSuccessStatusCode();
        }

        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N")[..10];
        var id = await org.CreateCampaignAsync(configuration, quotaShare: 1);
        await Audiences.SetAsync(system.Grains, org.OrgId, id, Audiences.Contacts(run, 500));
        (await org.CommandAsync(id, "start")).EnsureSuccessStatusCode();
        var waiting = await Eventually.ReturnsAsync(() => org.CampaignAsync(id), c => c["waitingUntil"] is not null, timeoutMs: 30_000, pollMs: 100);
        Assert.Equal(3, waiting.Number("requestsSent"));

        await system.RestartSiloAsync();
        system.Clock.Advance(waiting["waitingUntil"]!.GetValue<DateTimeOffset>() - system.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));

        // Nothing asks about the campaign meanwhile: its reminder (a minute apart at most) wakes it up.
        await Eventually.HoldsAsync(async () => (await system.Providers.LedgerBodiesAsync(run)).Length >= 500, TimeSpan.FromMinutes(3), "the campaign never went on");
        Assert.Equal(Enumerable.Range(0, 500), await system.Providers.ContactsSentAsync(run));
        var done = await org.CampaignAsync(id);
        Assert.Equal("completed", done.Status());
        Assert.Equal(500, done.Number("accepted"));
        Assert.Equal(5, done.Number("requestsSent"));
    }
}
