using System.Net;
using System.Net.Http.Json;
using Outbound.Orgs;
using Outbound.Tests.Inbound;
using Outbound.Tests.Infrastructure;
using Outbound.Tests.Sending;
using static Outbound.Tests.QuietHours.QuietHoursApiCalls;
using static Outbound.Tests.QuietHours.QuietHoursSystem;

namespace Outbound.Tests.QuietHours;

/// <summary>
/// Quiet hours: a message that would reach a customer in their night is accepted as <c>scheduled</c> and goes out
/// when the window opens in every time zone the number may be in; transactional configurations are never held.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QuietHoursTests(QuietHoursSystem system) : IClassFixture<QuietHoursSystem>
{
    // Not the test channel's own number (+14155550100): the provider refuses a message to itself.
    private const string LosAngeles = "+14155550142";
    private const string Shanghai = "+8613912345678";
    private const string SydneyLandline = "+61291234567";

    // An Australian mobile could be anywhere in Australia and its islands: from the Cocos Islands (UTC+6:30) to Lord Howe.
    private const string AustralianMobile = "+61412345678";

    private static readonly object NightTimeInTheRecipientsZone = Hours("21:00", "08:00", "recipient");

    [Fact]
    public async Task A_message_in_the_recipients_night_is_scheduled_until_their_morning_and_reaches_the_provider_only_then()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        await org.SetOrgQuietHoursAsync(NightTimeInTheRecipientsZone);
        var day = system.NextDay();
        system.SetClock(At("America/Los_Angeles", day, 22));

        var results = await org.SendForResultsAsync(configuration, run, LosAngeles, Shanghai);
        var ids = results.Select(r => r["messageId"]!.GetValue<string>()).ToArray();

        var held = await org.MessageAsync(ids[0]);
        Assert.Equal("scheduled", held.Status());
        Assert.Equal(At("America/Los_Angeles", day.AddDays(1), 8), held.NotBefore());
        // The 202 says so already: the integrator learns of the hold without asking.
        Assert.Equal((held.NotBefore(), null), (results[0].NotBefore(), results[1]["notBefore"]));
        // In Shanghai it is the afternoon: that customer's message goes at once, and once it has, the other still waits.
        var sentAtOnce = await org.Http.WaitForMessageAsync(ids[1], "sent", "delivered");
        Assert.Null(sentAtOnce["notBefore"]);
        Assert.Equal("scheduled", (await org.MessageAsync(ids[0])).Status());
        Assert.DoesNotContain(await system.LedgerBodiesAsync(run), b => b.Contains(LosAngeles, StringComparison.Ordinal));

        system.SetClock(At("America/Los_Angeles", day.AddDays(1), 8, 1));
        var sent = await org.Http.WaitForMessageAsync(ids[0], "sent", "delivered");

        Assert.Equal(["scheduled", "sending", "sent"], sent.History().Take(3));
        Assert.Single(await system.LedgerBodiesAsync(run), b => b.Contains(LosAngeles, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_number_in_several_time_zones_waits_until_the_window_is_open_in_all_of_them()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        await org.SetOrgQuietHoursAsync(NightTimeInTheRecipientsZone);
        var day = system.NextDay();
        // 11:00 in Sydney: open there, but still before 08:00 on the Cocos Islands.
        system.SetClock(At("Australia/Sydney", day, 11));

        var ids = await org.SendAsync(configuration, run, AustralianMobile, SydneyLandline);

        await org.Http.WaitForMessageAsync(ids[1], "sent", "delivered");
        var held = await org.MessageAsync(ids[0]);
        Assert.Equal("scheduled", held.Status());
        Assert.Equal(At("Indian/Cocos", day, 8), held.NotBefore());

        system.SetClock(At("Indian/Cocos", day, 8, 1));
        await org.Http.WaitForMessageAsync(ids[0], "sent", "delivered");
        Assert.Single(await system.LedgerBodiesAsync(run), b => b.Contains(AustralianMobile, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transactional_configurations_message_is_sent_at_once_in_quiet_hours()
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, _) = await org.Http.CreateSmsSetupAsync();
        var oneTimeCodes = await org.Http.CreateAsync(
            "/v1/outbound-configurations", new { name = "One-time code", channelType = "sms", channelId = channel, templateId = template, transactional = true }, "configurationId");
        await org.SetOrgQuietHoursAsync(NightTimeInTheRecipientsZone);
        system.SetClock(At("America/Los_Angeles", system.NextDay(), 23));

        var ids = await org.SendAsync(oneTimeCodes, Guid.NewGuid().ToString("N"), LosAngeles);

        var sent = await org.Http.WaitForMessageAsync(ids[0], "sent", "delivered");
        Assert.DoesNotContain("scheduled", sent.History());
        Assert.Null(sent["notBefore"]);
    }

    [Fact]
    public async Task A_configurations_own_quiet_hours_replace_the_orgs()
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, _) = await org.Http.CreateSmsSetupAsync();
        var eastCoastNights = await org.Http.CreateAsync("/v1/outbound-configurations", new
        {
            name = "Reminders",
            channelType = "sms",
            channelId = channel,
            templateId = template,
            quietHours = Hours("23:00", "06:00", "America/New_York"),
        }, "configurationId");
        var officeHoursOff = await org.Http.CreateAsync("/v1/outbound-configurations", new
        {
            name = "Surveys",
            channelType = "sms",
            channelId = channel,
            templateId = template,
            quietHours = Hours("09:00", "17:00", "America/Los_Angeles"),
        }, "configurationId");
        await org.SetOrgQuietHoursAsync(NightTimeInTheRecipientsZone);
        var day = system.NextDay();
        // 22:00 in Los Angeles is 01:00 in New York.
        system.SetClock(At("America/Los_Angeles", day, 22));

        var held = await org.SendAsync(eastCoastNights, Guid.NewGuid().ToString("N"), LosAngeles);
        var notHeld = await org.SendAsync(officeHoursOff, Guid.NewGuid().ToString("N"), LosAngeles);

        var sent = await org.Http.WaitForMessageAsync(notHeld[0], "sent", "delivered");
        Assert.DoesNotContain("scheduled", sent.History());
        var scheduled = await org.MessageAsync(held[0]);
        Assert.Equal("scheduled", scheduled.Status());
        Assert.Equal(At("America/New_York", day.AddDays(1), 6), scheduled.NotBefore());
        var stored = await (await org.Http.GetAsync($"/v1/outbound-configurations/{eastCoastNights}")).Json(HttpStatusCode.OK);
        Assert.Equal("23:00", stored["quietHours"]!["start"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_answer_to_a_customers_keyword_goes_out_at_once_in_their_night()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var webhookUrl = (await (await org.Http.GetAsync($"/v1/channels/{channel}")).Json(HttpStatusCode.OK))["inboundWebhookUrl"]!.GetValue<string>();
        await org.SetOrgQuietHoursAsync(NightTimeInTheRecipientsZone);
        system.SetClock(At("America/Los_Angeles", system.NextDay(), 23));
        var customer = Inbound.Inbound.NewCustomer();

        await system.TextAsync(webhookUrl, customer, "+14155550100", "HELP");

        // The customer is talking to us: the reply is not held until their morning (the clock never gets there).
        var bodies = await Eventually.ReturnsAsync(
            async () => (await system.LedgerToAsync(customer)).Select(e => e.GetProperty("body").GetString()!).ToArray(),
            b => b.Length >= 1, timeoutMs: 20_000, pollMs: 100);
        Assert.Equal([KeywordSettings.Default.HelpReply!], bodies);
    }

    [Fact]
    public async Task The_orgs_quiet_hours_are_read_back_as_set_and_can_be_removed()
    {
        var org = await system.CreateOrgAsync();
        Assert.Null((await (await org.Http.GetAsync("/v1/settings/quiet-hours")).Json(HttpStatusCode.OK))["quietHours"]);

        await org.SetOrgQuietHoursAsync(Hours("20:30", "07:45", "Europe/Paris"));
        var read = await (await org.Http.GetAsync("/v1/settings/quiet-hours")).Json(HttpStatusCode.OK);
        Assert.Equal("20:30", read["quietHours"]!["start"]!.GetValue<string>());
        Assert.Equal("07:45", read["quietHours"]!["end"]!.GetValue<string>());
        Assert.Equal("Europe/Paris", read["quietHours"]!["timeZone"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync("/v1/settings/quiet-hours")).StatusCode);
        Assert.Null((await (await org.Http.GetAsync("/v1/settings/quiet-hours")).Json(HttpStatusCode.OK))["quietHours"]);
    }

    [Theory]
    [InlineData("25:00", "08:00", "recipient", "start")]
    [InlineData("21:00", "8:00", "recipient", "end")]
    [InlineData("21:00", "21:00", "recipient", "end")]
    [InlineData("21:00", "08:00", "Mars/Olympus_Mons", "timeZone")]
    [InlineData("21:00", "08:00", "Pacific Standard Time", "timeZone")]
    public async Task Bad_quiet_hours_are_refused_naming_the_field(string start, string end, string timeZone, string field)
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, _) = await org.Http.CreateSmsSetupAsync();

        var orgSetting = await org.Http.PutAsJsonAsync("/v1/settings/quiet-hours", Hours(start, end, timeZone));
        var configuration = await org.Http.PostAsJsonAsync("/v1/outbound-configurations", new
        {
            name = "Reminders",
            channelType = "sms",
            channelId = channel,
            templateId = template,
            quietHours = Hours(start, end, timeZone),
        });

        Assert.Equal(HttpStatusCode.BadRequest, orgSetting.StatusCode);
        await orgSetting.AssertProblemNaming(field);
        Assert.Equal(HttpStatusCode.BadRequest, configuration.StatusCode);
        await configuration.AssertProblemNaming($"quietHours.{field}");
        Assert.Null((await (await org.Http.GetAsync("/v1/settings/quiet-hours")).Json(HttpStatusCode.OK))["quietHours"]);
    }
}
