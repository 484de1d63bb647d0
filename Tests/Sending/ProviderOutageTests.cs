using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// A provider that is down delays messages; it never loses them, and never fails them before the org's delivery
/// deadline: retries go on until then, however many it takes.
/// </summary>
[Collection(DeliveryFaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ProviderOutageTests(DeliveryFaultsSystem system)
{
    [Fact]
    public async Task Through_an_outage_messages_are_retried_past_any_attempt_count_and_sent_once_when_it_ends()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        await system.Providers.SetFaultsAsync(new { retryable = 1.0 });
        string[] ids;
        try
        {
            ids = await org.SendTaggedAsync(configuration, run, 5);
            // Well past the eight attempts after which messages used to fail for good.
            await org.WaitUntilAllAsync(ids, m => m.Attempts() >= 10);
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }

        var messages = await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
        await system.AssertEachSentOnceAsync(run, 5);
        Assert.All(messages, m => Assert.False(m["ambiguous"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_message_the_provider_never_takes_is_retried_until_the_orgs_deadline_and_then_ends_failed_expired()
    {
        var org = await system.CreateOrgAsync();
        using (var admin = system.Admin())
        {
            (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = 30_000, deliveryDeadlineHours = 2 }))
                .EnsureSuccessStatusCode();
        }

        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N");
        await system.Providers.SetFaultsAsync(new { retryable = 1.0 });
        try
        {
            var ids = await org.SendTaggedAsync(configuration, run, 3);
            await org.WaitUntilAllAsync(ids, m => m.Attempts() >= 2);

            // An hour and three quarters later it is still being retried…
            system.Clock.Advance(TimeSpan.FromMinutes(105));
            var before = (await org.MessagesAsync(ids)).Sum(m => m.Attempts());
            var retried = await org.WaitUntilAllAsync(ids, m => m.Attempts() >= before / ids.Length + 2);
            Assert.All(retried, m => Assert.Equal("accepted", m.Status()));

            // … and past the two-hour deadline it ends, recorded, never sent.
            system.Clock.Advance(TimeSpan.FromMinutes(20));
            var expired = await org.WaitUntilAllAsync(ids, m => m.Status() == "failed");
            Assert.All(expired, m => Assert.Equal("expired", m["errorCode"]!.GetValue<string>()));
            Assert.Empty(await system.LedgerBodiesAsync(run));
        }
        finally
        {
            system.Clock.Reset();
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }
    }
}
