using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outbound.Tests.Infrastructure;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Sending;

/// <summary>
/// ACS delivery reports arrive through Event Grid at <c>/v1/callbacks/acs/events</c>, only with the channel's events
/// secret, in either schema and casing, and move messages forward only.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class AcsDeliveryReportTests(OutboundSystem system)
{
    private const string DeliveryReport = "Microsoft.Communication.SMSDeliveryReportReceived";

    private sealed record Setup(OrgClient Org, Guid ChannelId, Guid ConfigurationId, string Secret)
    {
        public string EventsPath(string? secret = null, Guid? channelId = null) =>
            $"/v1/callbacks/acs/events?channel={Org.OrgId:N}.{channelId ?? ChannelId:N}&code={secret ?? Secret}";
    }

    private async Task<Setup> CreateAcsSetupAsync()
    {
        var org = await system.CreateOrgAsync();
        var secret = $"events-{Guid.NewGuid():N}";
        var channel = await org.Http.CreateAsync("/v1/channels", new
        {
            name = "ACS SMS", type = "sms", provider = "acs", from = "+18445550100",
            acs = new { endpoint = system.Providers.BaseUrl.ToString(), accessKey = FakeServer.AcsKey, eventsSecret = secret },
        });
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var configuration = await org.Http.CreateAsync("/v1/outbound-configurations", Api.Configuration(channel, template), "configurationId");
        return new Setup(org, channel, configuration, secret);
    }

    private static async Task<string[]> SendAsync(Setup setup, params string[] recipients)
    {
        var response = await (await setup.Org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{setup.ConfigurationId}/send", new
        {
            contacts = recipients.Select(to => new { tocontactid = to, optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "CAS-1" } }),
        })).Json(HttpStatusCode.Accepted);
        return [.. response["results"]!.AsArray().Select(r => r!["messageId"]!.GetValue<string>())];
    }

    /// <summary>Points the fake ACS resource's Event Grid subscription at the gateway, as an operator would.</summary>
    private async Task SubscribeAsync(Setup setup, string schema = "EventGrid", string casing = "Camel")
    {
        var url = new Uri(system.GatewayUrl, setup.EventsPath());
        (await system.Providers.Http.PutAsJsonAsync("/_acs/events-subscription", new { url, schema, casing })).EnsureSuccessStatusCode();
    }

    private async Task UnsubscribeAsync()
    {
        (await system.Providers.Http.DeleteAsync("/_acs/events-subscription")).EnsureSuccessStatusCode();
        (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("EventGrid", "Camel")]
    [InlineData("EventGrid", "Pascal")]
    [InlineData("CloudEvents", "Camel")]
    [InlineData("CloudEvents", "Pascal")]
    public async Task Acs_messages_become_delivered_through_the_fakes_event_grid_deliveries(string schema, string casing)
    {
        var setup = await CreateAcsSetupAsync();
        await SubscribeAsync(setup, schema, casing);
        try
        {
            var messageIds = await SendAsync(setup, "+14155550142", "+14155550143");

            foreach (var messageId in messageIds)
            {
                var message = await setup.Org.Http.WaitForMessageAsync(messageId, "delivered", "failed");
                Assert.Equal(["accepted", "sending", "sent", "delivered"], message["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
            }
        }
        finally
        {
            await UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_failed_report_ends_the_message_failed_with_the_reports_details()
    {
        var setup = await CreateAcsSetupAsync();
        await SubscribeAsync(setup);
        try
        {
            await system.Providers.SetFaultsAsync(new { callbackOutcome = "failed", callbackErrorCode = 4505 });
            var messageId = (await SendAsync(setup, "+14155550142"))[0];

            var message = await setup.Org.Http.WaitForMessageAsync(messageId, "failed", "delivered");

            Assert.Equal("failed", message["status"]!.GetValue<string>());
            Assert.Equal("Message delivery failed (error 4505).", message["errorMessage"]!.GetValue<string>());
            Assert.StartsWith("Outgoing_", message["providerMessageId"]!.GetValue<string>());
        }
        finally
        {
            await UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task Duplicated_deliveries_from_the_fake_end_delivered_once()
    {
        var setup = await CreateAcsSetupAsync();
        await SubscribeAsync(setup);
        try
        {
            await system.Providers.SetFaultsAsync(new { duplicateCallbacks = true });
            var messageId = (await SendAsync(setup, "+14155550142"))[0];

            await setup.Org.Http.WaitForMessageAsync(messageId, "delivered");
            // The second copy follows right after the first: give it time to arrive.
            await Task.Delay(500);

            var settled = await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
            Assert.Equal("delivered", settled["status"]!.GetValue<string>());
            Assert.Single(settled["history"]!.AsArray(), h => h!["status"]!.GetValue<string>() == "delivered");
        }
        finally
        {
            await UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_report_for_a_send_whose_answer_was_lost_finds_its_message_by_recipient()
    {
        var setup = await CreateAcsSetupAsync();
        await SubscribeAsync(setup);
        try
        {
            // ACS accepts the message, then the connection drops: we never learn its ACS message id.
            await system.Providers.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 10, timeoutAccepted = true, timeoutDrop = true });
            var messageId = (await SendAsync(setup, "+14155550187"))[0];

            var message = await setup.Org.Http.WaitForMessageAsync(messageId, "delivered", "failed");

            Assert.Equal("delivered", message["status"]!.GetValue<string>());
            var acsId = message["providerMessageId"]!.GetValue<string>();
            Assert.Single(await system.Providers.LedgerAsync(), e => e.GetProperty("messageId").GetString() == acsId);
        }
        finally
        {
            await UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task Repeated_and_late_contradicting_reports_never_move_a_message_backwards()
    {
        var setup = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        var sent = await setup.Org.Http.WaitForMessageAsync(messageId, "sent");
        var acsId = sent["providerMessageId"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NoContent, await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, acsId, "Delivered")));
        Assert.Equal(HttpStatusCode.NoContent, await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, acsId, "Delivered")));
        Assert.Equal(HttpStatusCode.NoContent, await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, acsId, "Failed", "Late and wrong.")));

        var message = await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
        Assert.Equal("delivered", message["status"]!.GetValue<string>());
        Assert.Equal(["accepted", "sending", "sent", "delivered"], message["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Null(message["errorMessage"]);
    }

    [Fact]
    public async Task A_report_after_a_failure_does_not_revive_the_message()
    {
        var setup = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        var acsId = (await setup.Org.Http.WaitForMessageAsync(messageId, "sent"))["providerMessageId"]!.GetValue<string>();

        await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, acsId, "Failed", "Handset unreachable."));
        await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, acsId, "Delivered"));

        var message = await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
        Assert.Equal("failed", message["status"]!.GetValue<string>());
        Assert.Equal("Handset unreachable.", message["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_reports_long_details_are_stored_truncated()
    {
        var setup = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        var acsId = (await setup.Org.Http.WaitForMessageAsync(messageId, "sent"))["providerMessageId"]!.GetValue<string>();

        await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, acsId, "Failed", new string('d', 20_000)));

        var message = await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
        Assert.Equal("failed", message["status"]!.GetValue<string>());
        Assert.Equal(new string('d', Outbound.Grains.Providers.ErrorTexts.MaxLength), message["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_the_channels_secret_a_report_is_forbidden_and_changes_nothing()
    {
        var setup = await CreateAcsSetupAsync();
        var other = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        var acsId = (await setup.Org.Http.WaitForMessageAsync(messageId, "sent"))["providerMessageId"]!.GetValue<string>();
        var report = Report(setup, messageId, acsId, "Delivered");

        var missing = await PostEventGridAsync($"/v1/callbacks/acs/events?channel={setup.Org.OrgId:N}.{setup.ChannelId:N}", report);
        var wrong = await PostEventGridAsync(setup.EventsPath(secret: setup.Secret + "x"), report);
        var unknownChannel = await PostEventGridAsync(setup.EventsPath(channelId: Guid.NewGuid()), report);
        var otherOrgsSecret = await PostEventGridAsync(setup.EventsPath(secret: other.Secret), report);
        var malformedChannel = await PostEventGridAsync($"/v1/callbacks/acs/events?channel=nope&code={setup.Secret}", report);
        // The right secret for another org's channel opens only that org's batches: acknowledged, not applied.
        var anotherOrg = await PostEventGridAsync(other.EventsPath(), report);

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NoContent],
            new[] { missing, wrong, unknownChannel, otherOrgsSecret, malformedChannel, anotherOrg });
        var message = await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
        Assert.Equal("sent", message["status"]!.GetValue<string>());

        // And the genuine one works, so the refusals above were about the secret.
        Assert.Equal(HttpStatusCode.NoContent, await PostEventGridAsync(setup.EventsPath(), report));
        Assert.Equal("delivered", (await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_secret_may_come_in_the_x_events_secret_header_instead_of_the_url()
    {
        var setup = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        var acsId = (await setup.Org.Http.WaitForMessageAsync(messageId, "sent"))["providerMessageId"]!.GetValue<string>();
        var path = $"/v1/callbacks/acs/events?channel={setup.Org.OrgId:N}.{setup.ChannelId:N}";

        var wrong = await PostEventGridAsync(path, Report(setup, messageId, acsId, "Delivered"), ("X-Events-Secret", "not-the-secret-at-all"));
        var right = await PostEventGridAsync(path, Report(setup, messageId, acsId, "Delivered"), ("X-Events-Secret", setup.Secret));

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.NoContent], new[] { wrong, right });
        await setup.Org.Http.WaitForMessageAsync(messageId, "delivered");
    }

    [Fact]
    public async Task The_event_grid_validation_event_is_answered_with_its_code_only_with_the_secret()
    {
        var setup = await CreateAcsSetupAsync();
        var validation = new[]
        {
            new
            {
                id = Guid.NewGuid().ToString(), topic = "/subscriptions/x", subject = "",
                data = new { validationCode = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", validationUrl = "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/x/validate?id=1" },
                eventType = "Microsoft.EventGrid.SubscriptionValidationEvent", eventTime = DateTimeOffset.UtcNow, metadataVersion = "1", dataVersion = "2",
            },
        };

        using var http = system.Anonymous();
        var refused = await http.SendAsync(EventGridRequest(setup.EventsPath(secret: "wrong-secret-wrong-secret"), validation, "SubscriptionValidation"));
        var answered = await (await http.SendAsync(EventGridRequest(setup.EventsPath(), validation, "SubscriptionValidation"))).Json(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", answered["validationResponse"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_cloud_events_options_handshake_allows_the_origin_only_with_the_secret()
    {
        var setup = await CreateAcsSetupAsync();
        using var http = system.Anonymous();

        HttpRequestMessage Options(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, path);
            request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
            return request;
        }

        var refused = await http.SendAsync(Options(setup.EventsPath(secret: "wrong-secret-wrong-secret")));
        var allowed = await http.SendAsync(Options(setup.EventsPath()));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("WebHook-Allowed-Origin"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("eventgrid.azure.net", Assert.Single(allowed.Headers.GetValues("WebHook-Allowed-Origin")));
    }

    [Fact]
    public async Task A_cloud_events_batch_with_pascal_case_data_is_applied()
    {
        var setup = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        var acsId = (await setup.Org.Http.WaitForMessageAsync(messageId, "sent"))["providerMessageId"]!.GetValue<string>();
        var batch = new object[]
        {
            new
            {
                id = acsId, source = "/subscriptions/x", subject = "/phonenumber/14155550142", type = DeliveryReport, time = DateTimeOffset.UtcNow, specversion = "1.0",
                data = new { MessageId = acsId, From = "+18445550100", To = "+14155550142", DeliveryStatus = "Delivered", DeliveryStatusDetails = "No error.", Tag = Tag(setup, messageId) },
            },
            new
            {
                id = "Incoming_1", source = "/subscriptions/x", subject = "/phonenumber/18001110000", type = "Microsoft.Communication.SMSReceived", time = DateTimeOffset.UtcNow, specversion = "1.0",
                data = new { MessageId = "Incoming_1", From = "+14155550142", To = "+18445550100", Message = "STOP" },
            },
        };

        using var http = system.Anonymous();
        var response = await http.PostAsync(setup.EventsPath(), new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, "application/cloudevents-batch+json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("delivered", (await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reports_for_unknown_messages_or_batches_are_acknowledged_and_change_nothing()
    {
        var setup = await CreateAcsSetupAsync();
        var messageId = (await SendAsync(setup, "+14155550142"))[0];
        await setup.Org.Http.WaitForMessageAsync(messageId, "sent");

        // Same batch and recipient, but another ACS message: not this message (it has its own ACS id).
        var otherMessage = await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, "Outgoing_20260101000000unknown", "Failed"));
        var otherBatch = await PostEventGridAsync(setup.EventsPath(), Report(setup, $"{Guid.NewGuid():N}-0", "Outgoing_x", "Failed"));
        var noTag = await PostEventGridAsync(setup.EventsPath(), Report(setup, messageId, "Outgoing_y", "Failed", tag: ""));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], new[] { otherMessage, otherBatch, noTag });
        Assert.Equal("sent", (await (await setup.Org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_that_is_not_events_is_a_problem_naming_the_body()
    {
        var setup = await CreateAcsSetupAsync();
        using var http = system.Anonymous();

        var response = await http.PostAsync(setup.EventsPath(), new StringContent("not json", Encoding.UTF8, "application/json"));

        await response.AssertProblemNaming("body");
    }

    private static string Tag(Setup setup, string messageId) => $"{setup.Org.OrgId:N}.{messageId[..32]}";

    /// <summary>An Event Grid schema delivery report, camelCase as in the service's Event Grid example.</summary>
    private static object[] Report(Setup setup, string messageId, string acsId, string status, string details = "No error.", string? tag = null) =>
    [
        new
        {
            id = $"{acsId}-{Guid.NewGuid():N}", topic = "/subscriptions/x", subject = "/phonenumber/14155550142",
            data = new
            {
                messageId = acsId, from = "+18445550100", to = "+14155550142", deliveryStatus = status, deliveryStatusDetails = details,
                receivedTimestamp = DateTimeOffset.UtcNow, tag = tag ?? Tag(setup, messageId),
            },
            eventType = DeliveryReport, dataVersion = "1.0", metadataVersion = "1", eventTime = DateTimeOffset.UtcNow,
        },
    ];

    private static HttpRequestMessage EventGridRequest(string path, object body, string eventType = "Notification")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("aeg-event-type", eventType);
        return request;
    }

    private async Task<HttpStatusCode> PostEventGridAsync(string path, object body, params (string Name, string Value)[] headers)
    {
        using var http = system.Anonymous();
        using var request = EventGridRequest(path, body);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return (await http.SendAsync(request)).StatusCode;
    }
}
