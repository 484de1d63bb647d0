using System.Net.Http.Json;
using System.Text.Json;

namespace Outbound.Tests.ProviderFake;

/// <summary>ACS delivery reports and inbound SMS, delivered as an Event Grid subscription would deliver them.</summary>
public sealed class AcsEventTests : IAsyncLifetime
{
    private WebhookListener _app = null!;

    private string EventsUrl => $"{_app.BaseUrl}/webhooks/acs/events?secret=s3";

    public async Task InitializeAsync() => _app = await WebhookListener.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_delivery_report_follows_the_subscription_handshake_in_the_event_grid_schema()
    {
        await using var fake = await FakeServer.StartAsync(("FAKE_ACS_EVENTS_URL", EventsUrl));
        var messageId = await SendAsync(fake, tag: "order-42");

        var requests = await _app.WaitForAsync(2);

        Assert.Equal("SubscriptionValidation", requests[0].Header("aeg-event-type"));
        Assert.Equal("Notification", requests[1].Header("aeg-event-type"));
        Assert.Equal("/webhooks/acs/events?secret=s3", requests[1].PathAndQuery);
        var e = Assert.Single(requests[1].Json().EnumerateArray());
        Assert.Equal("Microsoft.Communication.SMSDeliveryReportReceived", e.GetProperty("eventType").GetString());
        Assert.Equal("/phonenumber/15551230001", e.GetProperty("subject").GetString());
        Assert.Equal("1.0", e.GetProperty("dataVersion").GetString());
        var data = e.GetProperty("data");
        Assert.Equal(messageId, data.GetProperty("messageId").GetString());
        Assert.Equal("+15551230001", data.GetProperty("to").GetString());
        Assert.Equal("+18001110000", data.GetProperty("from").GetString());
        Assert.Equal("Delivered", data.GetProperty("deliveryStatus").GetString());
        Assert.Equal("order-42", data.GetProperty("tag").GetString());
        Assert.Equal(1, data.GetProperty("deliveryAttempts")[0].GetProperty("segmentsSucceeded").GetInt32());
    }

    [Fact]
    public async Task Delivery_reports_come_as_cloud_events_with_pascal_case_data_when_so_configured()
    {
        await using var fake = await FakeServer.StartAsync(
            ("FAKE_ACS_EVENTS_URL", EventsUrl), ("FAKE_ACS_EVENT_SCHEMA", "CloudEvents"), ("FAKE_ACS_EVENT_CASING", "pascal"));
        await fake.SetFaultsAsync(new { callbackOutcome = "failed" });
        var messageId = await SendAsync(fake);

        var requests = await _app.WaitForAsync(2);

        Assert.Equal("OPTIONS", requests[0].Method);
        Assert.Equal("application/cloudevents+json", requests[1].Header("Content-Type")?.Split(';')[0]);
        var e = requests[1].Json();
        Assert.Equal("Microsoft.Communication.SMSDeliveryReportReceived", e.GetProperty("type").GetString());
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal(messageId, e.GetProperty("data").GetProperty("MessageId").GetString());
        Assert.Equal("Failed", e.GetProperty("data").GetProperty("DeliveryStatus").GetString());
    }

    [Fact]
    public async Task The_subscription_set_at_run_time_takes_the_events_after_its_own_handshake()
    {
        await using var fake = await FakeServer.StartAsync();
        Assert.Equal(JsonValueKind.Null, (await fake.Http.GetFromJsonAsync<JsonElement>("/_acs/events-subscription")).GetProperty("url").ValueKind);
        var before = await SendAsync(fake, FakeServer.Recipient("+15551230001"));

        (await fake.Http.PutAsJsonAsync("/_acs/events-subscription", new { url = EventsUrl, schema = "CloudEvents", casing = "Pascal" })).EnsureSuccessStatusCode();
        var after = await SendAsync(fake, FakeServer.Recipient("+15551230002"));

        var requests = await _app.WaitForAsync(2);
        Assert.Equal("OPTIONS", requests[0].Method);
        Assert.Equal(after, requests[1].Json().GetProperty("data").GetProperty("MessageId").GetString());
        Assert.NotEqual(before, after);
        Assert.Equal(2, _app.All.Count);
    }

    [Fact]
    public async Task A_subscription_url_that_is_not_absolute_http_is_refused()
    {
        await using var fake = await FakeServer.StartAsync();

        var response = await fake.Http.PutAsJsonAsync("/_acs/events-subscription", new { url = "ftp://example.com/events" });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_app_that_fails_the_handshake_gets_no_events()
    {
        _app.Responder = r => r.Header("aeg-event-type") == "SubscriptionValidation" ? Microsoft.AspNetCore.Http.Results.Ok() : null;
        await using var fake = await FakeServer.StartAsync(("FAKE_ACS_EVENTS_URL", EventsUrl));

        var result = await (await fake.Http.PostAsJsonAsync("/_inbound/acs", new { from = "+15551230001", to = "+18001110000", message = "STOP" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(JsonValueKind.Null, result.GetProperty("status").ValueKind);
        Assert.All(_app.All, r => Assert.Equal("SubscriptionValidation", r.Header("aeg-event-type")));
    }

    [Fact]
    public async Task Without_the_handshake_a_repeated_send_produces_one_delivery_report()
    {
        await using var fake = await FakeServer.StartAsync(("FAKE_ACS_EVENTS_URL", EventsUrl), ("FAKE_ACS_EVENTS_HANDSHAKE", "false"));
        var recipient = FakeServer.Recipient("+15551230001");
        var first = await SendAsync(fake, recipient);
        await SendAsync(fake, recipient);
        // A distinct message: once two reports are in, a replay's report would have shown up in place of this one's.
        var other = await SendAsync(fake, FakeServer.Recipient("+15551230009"));

        var reports = await _app.WaitForAsync(2);

        Assert.Equal(
            new[] { first, other }.Order(),
            reports.Select(r => r.Json()[0].GetProperty("data").GetProperty("messageId").GetString()!).Order());
    }

    [Fact]
    public async Task An_inbound_acs_sms_arrives_as_an_sms_received_event()
    {
        await using var fake = await FakeServer.StartAsync(("FAKE_ACS_EVENTS_URL", EventsUrl));

        var result = await (await fake.Http.PostAsJsonAsync("/_inbound/acs", new { from = "+15551230001", to = "+18001110000", message = "STOP" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(200, result.GetProperty("status").GetInt32());
        var e = (await _app.WaitForAsync(1, r => r.Header("aeg-event-type") == "Notification"))[0].Json()[0];
        Assert.Equal("Microsoft.Communication.SMSReceived", e.GetProperty("eventType").GetString());
        Assert.Equal(result.GetProperty("messageId").GetString(), e.GetProperty("data").GetProperty("messageId").GetString());
        Assert.StartsWith("Incoming_", e.GetProperty("id").GetString());
        Assert.Equal("STOP", e.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal("+15551230001", e.GetProperty("data").GetProperty("from").GetString());
    }

    private static async Task<string> SendAsync(FakeServer fake, object? recipient = null, string? tag = null)
    {
        var response = await fake.SendAcsAsync(FakeServer.AcsBody(deliveryReport: true, tag: tag, recipients: recipient ?? FakeServer.Recipient("+15551230001")));
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value")[0];
        return result.GetProperty("messageId").GetString()!;
    }
}
