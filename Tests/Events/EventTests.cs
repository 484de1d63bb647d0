using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Orgs;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Events;

[Trait("Category", "Integration")]
public sealed class EventTests(EventsSystem system) : IClassFixture<EventsSystem>
{
    private async Task<(OrgClient Org, Guid Configuration)> SetupAsync()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, configuration);
    }

    private async Task<int> QuotaRequestsUsedAsync(Guid orgId)
    {
        var allowance = (await system.Grains.GetGrain<IOrgGrain>(orgId).GetSendAllowanceAsync())!;
        return allowance.Settings.MaxRequestsPerHour - allowance.Remaining;
    }

    [Fact]
    public async Task A_case_created_event_with_a_matching_trigger_sends_the_configured_sms_filled_from_the_event()
    {
        var (org, configuration) = await SetupAsync();
        await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var id = $"evt-{Guid.NewGuid():N}";

        var accepted = await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(id, caseName: caseName))).Json(HttpStatusCode.Accepted);

        Assert.Equal("accepted", accepted["results"]!.AsArray().Single()!["status"]!.GetValue<string>());
        var tracked = await org.Http.WaitForTriggerAsync(id, "sent");
        var messageId = tracked["triggers"]![0]!["messageId"]!.GetValue<string>();
        await org.Http.WaitForMessageAsync(messageId, "sent", "delivered");
        var row = Assert.Single(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString()!.Contains(caseName));
        Assert.Equal($"Hi Ana, case {caseName} is open.", row.GetProperty("body").GetString());
        Assert.Equal("+14155550142", row.GetProperty("to").GetString());
    }

    [Fact]
    public async Task An_event_posted_again_with_the_same_source_and_id_is_a_duplicate_and_sends_nothing_more()
    {
        var (org, configuration) = await SetupAsync();
        await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var id = $"evt-{Guid.NewGuid():N}";
        var e = Events.CaseCreated(id, caseName: caseName);

        await (await org.Http.PostEventsAsync(Events.Single, e)).Json(HttpStatusCode.Accepted);
        var again = await (await org.Http.PostEventsAsync(Events.Batch, new[] { e, e })).Json(HttpStatusCode.Accepted);

        Assert.All(again["results"]!.AsArray(), r => Assert.Equal("duplicate", r!["status"]!.GetValue<string>()));
        var messageId = (await org.Http.WaitForTriggerAsync(id, "sent"))["triggers"]![0]!["messageId"]!.GetValue<string>();
        await org.Http.WaitForMessageAsync(messageId, "sent", "delivered");
        // A later event of the same org goes through the same path: once it is sent, the duplicate would have been too.
        var later = $"evt-{Guid.NewGuid():N}";
        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(later, caseName: $"{caseName}-later"))).Json(HttpStatusCode.Accepted);
        await org.Http.WaitForTriggerAsync(later, "sent");
        Assert.Single(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString()!.Contains($"{caseName} is open"));
        Assert.Equal(2, await QuotaRequestsUsedAsync(org.OrgId));
    }

    [Fact]
    public async Task A_trigger_whose_filter_does_not_match_reports_the_event_as_skipped()
    {
        var (org, configuration) = await SetupAsync();
        var filter = new object[] { new { path = "/priority", equals = "high" }, new { path = "/customer/phone", exists = true } };
        var trigger = await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration, filter));
        var id = $"evt-{Guid.NewGuid():N}";

        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(id, priority: "low"))).Json(HttpStatusCode.Accepted);

        var tracked = await org.Http.WaitForTriggerAsync(id, "skipped");
        Assert.Equal(trigger, tracked["triggers"]![0]!["triggerId"]!.GetValue<Guid>());
        Assert.Equal(0, await QuotaRequestsUsedAsync(org.OrgId));
    }

    [Fact]
    public async Task Events_for_one_configuration_arriving_together_share_send_requests_of_up_to_100_contacts()
    {
        var (org, configuration) = await SetupAsync();
        await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var run = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 250)
            // Not +14155550100: that is the channel's own number.
            .Select(i => Events.CaseCreated($"evt-{run}-{i}", phone: $"+1415556{i:D4}", caseName: $"CAS-{run}-{i}"))
            .ToArray();

        var posted = await Task.WhenAll(
            org.Http.PostEventsAsync(Events.Batch, events[..125]),
            org.Http.PostEventsAsync(Events.Batch, events[125..]));
        foreach (var response in posted)
        {
            await response.Json(HttpStatusCode.Accepted);
        }

        var sent = await Eventually.ReturnsAsync(
            async () => (await system.Providers.LedgerAsync()).Count(r => r.GetProperty("body").GetString()!.Contains($"CAS-{run}-")),
            count => count >= 250,
            timeoutMs: 30_000,
            pollMs: 250);
        Assert.Equal(250, sent);
        Assert.Equal(250, (await system.Providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()).Where(b => b!.Contains($"CAS-{run}-")).Distinct().Count());
        Assert.Equal(3, await QuotaRequestsUsedAsync(org.OrgId));
        await org.Http.WaitForTriggerAsync($"evt-{run}-249", "sent");
    }

    [Fact]
    public async Task A_trigger_with_a_delay_waits_until_the_event_time_plus_the_delay()
    {
        var (org, configuration) = await SetupAsync();
        await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration, delay: "PT30M"));
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var id = $"evt-{Guid.NewGuid():N}";

        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(id, caseName: caseName))).Json(HttpStatusCode.Accepted);

        var waiting = await org.Http.WaitForTriggerAsync(id, "waiting");
        Assert.NotNull(waiting["triggers"]![0]!["notBefore"]);
        await AdvanceAndAssertSentOnceAsync(org, id, caseName, TimeSpan.FromMinutes(31));
    }

    [Fact]
    public async Task A_waiting_message_survives_a_silo_restart_and_is_sent_once_when_due()
    {
        var (org, configuration) = await SetupAsync();
        await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration, delay: "PT10M"));
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var id = $"evt-{Guid.NewGuid():N}";
        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(id, caseName: caseName))).Json(HttpStatusCode.Accepted);
        await org.Http.WaitForTriggerAsync(id, "waiting");

        await system.RestartSiloAsync();
        await AdvanceAndAssertSentOnceAsync(org, id, caseName, TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task An_event_over_the_hourly_quota_waits_for_the_next_hour_and_is_then_sent_once()
    {
        var (org, configuration) = await SetupAsync();
        using (var admin = system.Admin())
        {
            (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = 1 })).EnsureSuccessStatusCode();
        }

        await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var first = $"evt-{Guid.NewGuid():N}";
        var second = $"evt-{Guid.NewGuid():N}";
        var caseName = $"CAS-{Guid.NewGuid():N}";
        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(first))).Json(HttpStatusCode.Accepted);
        await org.Http.WaitForTriggerAsync(first, "sent");

        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(second, caseName: caseName))).Json(HttpStatusCode.Accepted);
        // Refused by the quota, so it stays queued; the request-per-hour count shows the refusal stored nothing.
        await Eventually.HoldsAsync(async () => await QuotaRequestsUsedAsync(org.OrgId) == 1, TimeSpan.FromSeconds(5), "one request used");
        Assert.Equal("queued", (await (await org.Http.GetAsync($"/v1/events/{second}")).Json(HttpStatusCode.OK))["triggers"]![0]!["status"]!.GetValue<string>());

        await AdvanceAndAssertSentOnceAsync(org, second, caseName, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Tracking_reports_what_each_trigger_did_with_an_event()
    {
        var (org, configuration) = await SetupAsync();
        var sends = await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var filtered = await org.Http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration, new object[] { new { path = "/priority", equals = "low" } }));
        var noPhone = await org.Http.CreateTriggerAsync(new
        {
            name = "Needs a pager",
            eventType = "case.created",
            configurationId = configuration,
            contact = new { tocontactid = "/customer/pager" },
        });
        var badNumber = $"evt-{Guid.NewGuid():N}";
        var id = $"evt-{Guid.NewGuid():N}";

        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(id))).Json(HttpStatusCode.Accepted);

        var tracked = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync($"/v1/events/{id}")).Json(HttpStatusCode.OK),
            e => e["triggers"]!.AsArray().All(t => t!["status"]!.GetValue<string>() is not ("queued" or "waiting")),
            timeoutMs: 30_000,
            pollMs: 100);
        var byTrigger = tracked["triggers"]!.AsArray().ToDictionary(t => t!["triggerId"]!.GetValue<Guid>(), t => t!.AsObject());
        Assert.Equal("sent", byTrigger[sends]["status"]!.GetValue<string>());
        Assert.NotNull(byTrigger[sends]["messageId"]);
        Assert.Equal("skipped", byTrigger[filtered]["status"]!.GetValue<string>());
        Assert.Equal("invalid", byTrigger[noPhone]["status"]!.GetValue<string>());
        Assert.Contains("contact.tocontactid", byTrigger[noPhone]["reason"]!.GetValue<string>());

        // The send path's own verdict on a contact: a number that is not one.
        await (await org.Http.PostEventsAsync(Events.Single, Events.CaseCreated(badNumber, phone: "not-a-number"))).Json(HttpStatusCode.Accepted);
        var invalid = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync($"/v1/events/{badNumber}")).Json(HttpStatusCode.OK),
            e => e["triggers"]!.AsArray().Single(t => t!["triggerId"]!.GetValue<Guid>() == sends)!["status"]!.GetValue<string>() != "queued",
            timeoutMs: 30_000,
            pollMs: 100);
        var verdict = invalid["triggers"]!.AsArray().Single(t => t!["triggerId"]!.GetValue<Guid>() == sends)!;
        Assert.Equal("invalid", verdict["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(verdict["reason"]?.GetValue<string>()));
    }

    [Fact]
    public async Task An_event_no_one_sent_is_not_found()
    {
        var (org, _) = await SetupAsync();

        var response = await org.Http.GetAsync($"/v1/events/evt-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"type":"case.created","source":"crm","id":"e1"}""", "specversion")]
    [InlineData("""{"specversion":"0.3","type":"case.created","source":"crm","id":"e1"}""", "specversion")]
    [InlineData("""{"specversion":"1.0","type":"case.created","source":"crm"}""", "id")]
    [InlineData("""{"specversion":"1.0","type":"case.created","id":"e1"}""", "source")]
    [InlineData("""{"specversion":"1.0","source":"crm","id":"e1"}""", "type")]
    [InlineData("""{"specversion":"1.0","type":"case.created","source":"crm","id":"e1","time":"yesterday"}""", "time")]
    [InlineData("""{"specversion":"1.0","type":"case.created","source":"crm","id":"e1","data_base64":"AAE="}""", "data_base64")]
    [InlineData("""[{"specversion":"1.0","type":"case.created","source":"crm","id":"e1"}]""", "body")]
    public async Task A_bad_cloudevent_is_refused_naming_the_field(string body, string field)
    {
        var (org, _) = await SetupAsync();

        var response = await org.Http.PostAsync("/v1/events", Events.Raw(body));

        await response.AssertProblemNaming(field);
    }

    [Fact]
    public async Task A_bad_event_in_a_batch_is_refused_naming_its_index()
    {
        var (org, _) = await SetupAsync();
        var good = Events.CaseCreated("e1");
        var bad = new { specversion = "1.0", type = "case.created", source = "crm" };

        var response = await org.Http.PostEventsAsync(Events.Batch, new object[] { good, good, good, bad });

        await response.AssertProblemNaming("events[3].id");
    }

    [Fact]
    public async Task A_batch_of_more_than_1000_events_is_refused()
    {
        var (org, _) = await SetupAsync();

        var response = await org.Http.PostAsync("/v1/events", Events.Raw($"[{string.Join(',', Enumerable.Repeat("{}", 1001))}]", Events.Batch));

        await response.AssertProblemNaming("events");
    }

    [Fact]
    public async Task A_repeat_of_an_event_the_log_still_keeps_is_a_duplicate_after_thousands_more_events_and_a_silo_restart()
    {
        var (org, _) = await SetupAsync();
        var run = Guid.NewGuid().ToString("N");
        // No trigger: each event is settled as it is stored. 6,000 events are ~375 per log, within what a log keeps.
        object[] Batch(int from) => [.. Enumerable.Range(from, 1_000).Select(i => new { specversion = "1.0", type = "ticket.noted", source = "crm", id = $"{run}-{i}" })];
        async Task<string[]> PostAsync(int from) =>
            [.. (await (await org.Http.PostEventsAsync(Events.Batch, Batch(from))).Json(HttpStatusCode.Accepted))["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>())];

        for (var from = 0; from < 3_000; from += 1_000)
        {
            Assert.All(await PostAsync(from), status => Assert.Equal("accepted", status));
        }

        await system.RestartSiloAsync();
        for (var from = 3_000; from < 6_000; from += 1_000)
        {
            Assert.All(await PostAsync(from), status => Assert.Equal("accepted", status));
        }

        for (var from = 0; from < 6_000; from += 1_000)
        {
            Assert.All(await PostAsync(from), status => Assert.Equal("duplicate", status));
        }
    }

    /// <summary>Moves the silo's clock on, then checks the event's message reached the provider, once.</summary>
    private async Task AdvanceAndAssertSentOnceAsync(OrgClient org, string eventId, string caseName, TimeSpan advance)
    {
        try
        {
            system.Clock.Advance(advance);
            var sent = await org.Http.WaitForTriggerAsync(eventId, "sent");
            // "sent" is the send path's acceptance; the provider call follows it.
            await org.Http.WaitForMessageAsync(sent["triggers"]![0]!["messageId"]!.GetValue<string>(), "sent", "delivered");
            Assert.Single(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString()!.Contains(caseName));
        }
        finally
        {
            system.Clock.Reset();
        }
    }
}
