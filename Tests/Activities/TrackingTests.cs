using System.Net;
using System.Net.Http.Json;

namespace Outbound.Tests.Activities;

/// <summary>No message stays "sent" forever, and activity records go away after the retention.</summary>
[Collection(TrackingCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TrackingTests(TrackingSystem system)
{
    [Fact]
    public async Task A_twilio_message_whose_callback_never_came_is_settled_by_asking_twilio()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];

        var message = await org.Http.WaitForMessageAsync(messageId, "delivered", "unknown");

        Assert.Equal("delivered", message["status"]!.GetValue<string>());
        Assert.Equal(["accepted", "sending", "sent", "delivered"], message["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_acs_message_without_a_delivery_report_ends_unknown_and_is_counted_so()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", new
        {
            name = "ACS", type = "sms", provider = "acs", from = "+14255550123",
            acs = new { endpoint = system.Providers.BaseUrl.ToString(), accessKey = ProviderFake.FakeServer.AcsKey },
        });
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var configuration = await org.Http.CreateAsync("/v1/outbound-configurations", Api.Configuration(channel, template), "configurationId");
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];

        var message = await org.Http.WaitForMessageAsync(messageId, "unknown", "delivered", "failed");
        Assert.True(message["status"]!.GetValue<string>() == "unknown", message.ToJsonString());
        var report = await Eventually.ReturnsAsync(() => org.Http.ReportAsync(configuration), r => r.Count("unknown") == 1, timeoutMs: 10_000, pollMs: 100);

        Assert.Equal(0, report.Count("sent"));
    }

    [Fact]
    public async Task Activity_records_past_the_retention_leave_the_message_the_timeline_and_the_reports()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(to)))[0];
        await org.Http.WaitForMessageAsync(messageId, "delivered", "unknown");
        Assert.Single((await org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline")).MessageIds());

        await Eventually.ReturnsAsync(
            () => org.Http.GetAsync($"/v1/messages/{messageId}"),
            response => response.StatusCode == HttpStatusCode.NotFound, timeoutMs: 40_000, pollMs: 250);

        Assert.Empty((await org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline")).MessageIds());
        Assert.Equal(0, (await org.Http.ReportAsync(configuration)).Count("total"));
    }
}
