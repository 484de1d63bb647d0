using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Catalog;
using Outbound.Schedules;

namespace Outbound.Tests.Schedules;

/// <summary>
/// Schedules end to end: each occurrence sends one request through the send path, once, even when the wake-up
/// comes twice or the silo was down. The clock is moved; the due occurrences are run by the tick the reminder and
/// the timer call, invoked here directly.
/// </summary>
[Collection(ScheduleCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ScheduleTests(ScheduleSystem system)
{
    private static string NewNumber() => $"+1415555{Random.Shared.Next(1000, 10000)}";

    private static object Contact(string to) => new { tocontactid = to, optin = true, contextitems = new { CustomerName = "Ana", CaseName = "CAS-1" } };

    private async Task<(OrgClient Org, Guid Configuration)> SetupAsync()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, configuration);
    }

    private static async Task<JsonObject> CreateAsync(OrgClient org, object schedule) =>
        await (await org.Http.PostAsJsonAsync("/v1/schedules", schedule)).Json(HttpStatusCode.Created);

    private static async Task<JsonObject> GetAsync(OrgClient org, Guid id) =>
        await (await org.Http.GetAsync($"/v1/schedules/{id}")).Json(HttpStatusCode.OK);

    private IScheduleGrain Grain(OrgClient org, Guid id) => system.Grains.GetGrain<IScheduleGrain>(CatalogKeys.Item(org.OrgId, id));

    private async Task<int> SentToAsync(string to) =>
        (await system.Providers.LedgerAsync()).Count(r => r.TryGetProperty("to", out var t) && t.GetString() == to);

    private static DateTimeOffset Time(JsonNode? node) => node!.GetValue<DateTimeOffset>();

    [Fact]
    public async Task A_schedule_after_a_minute_sends_once_when_its_time_comes_and_is_completed()
    {
        var (org, configuration) = await SetupAsync();
        var to = NewNumber();
        var created = await CreateAsync(org, new { name = "In a minute", configurationId = configuration, contacts = new[] { Contact(to) }, after = "PT1M" });
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("active", created["status"]!.GetValue<string>());
        Assert.Equal(Time(created["createdAt"]).AddMinutes(1), Time(created["nextRunAt"]), TimeSpan.FromSeconds(1));

        system.Clock.Advance(TimeSpan.FromSeconds(61));
        await Grain(org, id).RunDueAsync();

        var shown = await GetAsync(org, id);
        var run = Assert.Single(shown["runs"]!.AsArray())!;
        Assert.Equal("accepted", run["outcome"]!.GetValue<string>());
        Assert.Equal(0, run["missed"]!.GetValue<int>());
        Assert.False(run["late"]!.GetValue<bool>());
        Assert.Equal(Time(created["nextRunAt"]), Time(run["occurrence"]));
        var messageId = Assert.Single(run["messageIds"]!.AsArray())!.GetValue<string>();
        Assert.Equal("completed", shown["status"]!.GetValue<string>());
        Assert.Null(shown["nextRunAt"]);
        var message = await org.Http.WaitForMessageAsync(messageId, "sent", "delivered");
        Assert.Equal(to, message["toContactId"]!.GetValue<string>());
        Assert.Equal(1, await SentToAsync(to));
    }

    [Fact]
    public async Task A_schedule_wakes_up_by_itself_at_its_time()
    {
        var (org, configuration) = await SetupAsync();
        var to = NewNumber();
        var id = (await CreateAsync(org, new { name = "Soon", configurationId = configuration, contacts = new[] { Contact(to) }, after = "PT2S" }))["id"]!.GetValue<Guid>();

        // Nothing calls the tick here: the timer armed for the occurrence does.
        var shown = await Eventually.ReturnsAsync(() => GetAsync(org, id), s => s["status"]!.GetValue<string>() == "completed", timeoutMs: 30_000, pollMs: 200);

        var run = Assert.Single(shown["runs"]!.AsArray())!;
        await org.Http.WaitForMessageAsync(Assert.Single(run["messageIds"]!.AsArray())!.GetValue<string>(), "sent", "delivered");
        Assert.Equal(1, await SentToAsync(to));
    }

    [Fact]
    public async Task A_cron_schedule_in_new_york_runs_at_the_end_of_the_hour_skipped_by_daylight_saving()
    {
        var (org, configuration) = await SetupAsync();
        system.MoveTo(new DateTimeOffset(2030, 3, 9, 12, 0, 0, TimeSpan.Zero));
        var created = await CreateAsync(org, new
        {
            name = "Every night", configurationId = configuration, contacts = new[] { Contact(NewNumber()) }, cron = "30 2 * * *", timeZone = "America/New_York",
        });
        var id = created["id"]!.GetValue<Guid>();
        // 02:30 does not exist on 10 March (the clocks go from 02:00 to 03:00): that night it runs at 03:00 EDT.
        Assert.Equal(new DateTimeOffset(2030, 3, 10, 3, 0, 0, TimeSpan.FromHours(-4)), Time(created["nextRunAt"]));

        system.MoveTo(new DateTimeOffset(2030, 3, 10, 7, 0, 30, TimeSpan.Zero));
        await Grain(org, id).RunDueAsync();

        var shown = await GetAsync(org, id);
        var run = Assert.Single(shown["runs"]!.AsArray())!;
        Assert.Equal(new DateTimeOffset(2030, 3, 10, 7, 0, 0, TimeSpan.Zero), Time(run["occurrence"]));
        Assert.Equal(new DateTimeOffset(2030, 3, 11, 2, 30, 0, TimeSpan.FromHours(-4)), Time(shown["nextRunAt"]));
        Assert.Equal("-04:00", shown["nextRunAt"]!.GetValue<string>()[^6..]);
    }

    [Fact]
    public async Task An_occurrence_that_fires_again_after_a_crash_before_its_run_was_recorded_sends_once()
    {
        var (org, configuration) = await SetupAsync();
        var to = NewNumber();
        var id = (await CreateAsync(org, new { name = "Once", configurationId = configuration, contacts = new[] { Contact(to) }, after = "PT1M" }))["id"]!.GetValue<Guid>();
        system.Clock.Advance(TimeSpan.FromSeconds(61));
        var grain = Grain(org, id);

        // The send is accepted, then recording the run fails: the schedule still sees the occurrence as due.
        system.Faults.FailingStateWrites = "scheduleRuns";
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(grain.RunDueAsync);
        }
        finally
        {
            system.Faults.Clear();
        }

        // The reminder and the timer both fire for it.
        await Task.WhenAll(grain.RunDueAsync(), grain.RunDueAsync());

        var run = Assert.Single((await GetAsync(org, id))["runs"]!.AsArray())!;
        var messageId = Assert.Single(run["messageIds"]!.AsArray())!.GetValue<string>();
        await org.Http.WaitForMessageAsync(messageId, "sent", "delivered");
        Assert.Equal(1, await SentToAsync(to));
    }

    [Fact]
    public async Task Occurrences_missed_while_the_service_was_down_run_once_when_it_is_back_and_the_run_says_how_many()
    {
        var (org, configuration) = await SetupAsync();
        var now = system.Clock.GetUtcNow();
        var halfPast = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 30, 0, TimeSpan.Zero).AddHours(1);
        system.MoveTo(halfPast);
        var to = NewNumber();
        var id = (await CreateAsync(org, new
        {
            name = "Hourly", configurationId = configuration, contacts = new[] { Contact(to) }, cron = "0 * * * *", timeZone = "Etc/UTC",
        }))["id"]!.GetValue<Guid>();

        // Down from before the first occurrence until after the third.
        system.Clock.Advance(TimeSpan.FromHours(3));
        // Nothing ran meanwhile (no reminder ticked, no timer was set): the first tick after the outage finds three due.
        await Grain(org, id).RunDueAsync();

        var shown = await GetAsync(org, id);
        var run = Assert.Single(shown["runs"]!.AsArray())!;
        Assert.Equal(halfPast.AddMinutes(30).AddHours(2), Time(run["occurrence"]));
        Assert.Equal(2, run["missed"]!.GetValue<int>());
        Assert.True(run["late"]!.GetValue<bool>());
        Assert.Equal(halfPast.AddMinutes(30).AddHours(3), Time(shown["nextRunAt"]));
        var messageId = Assert.Single(run["messageIds"]!.AsArray())!.GetValue<string>();
        await org.Http.WaitForMessageAsync(messageId, "sent", "delivered");
        Assert.Equal(1, await SentToAsync(to));
    }

    [Fact]
    public async Task A_disabled_schedule_does_not_fire_and_enabling_it_does_not_replay_what_passed()
    {
        var (org, configuration) = await SetupAsync();
        var now = system.Clock.GetUtcNow();
        system.MoveTo(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 5, TimeSpan.Zero).AddMinutes(1));
        var schedule = new { name = "Every minute", configurationId = configuration, contacts = new[] { Contact(NewNumber()) }, cron = "* * * * *", timeZone = "Etc/UTC", enabled = false };
        var created = await CreateAsync(org, schedule);
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("disabled", created["status"]!.GetValue<string>());
        Assert.Null(created["nextRunAt"]);

        system.Clock.Advance(TimeSpan.FromMinutes(5));
        await Grain(org, id).RunDueAsync();
        Assert.Empty((await GetAsync(org, id))["runs"]!.AsArray());

        var enabled = await (await org.Http.PutAsJsonAsync($"/v1/schedules/{id}", schedule with { enabled = true })).Json(HttpStatusCode.OK);
        await Grain(org, id).RunDueAsync();
        Assert.Equal("active", enabled["status"]!.GetValue<string>());
        Assert.True(Time(enabled["nextRunAt"]) > enabled["updatedAt"]!.GetValue<DateTimeOffset>());
        Assert.Empty((await GetAsync(org, id))["runs"]!.AsArray());

        system.Clock.Advance(TimeSpan.FromMinutes(1));
        await Grain(org, id).RunDueAsync();
        var run = Assert.Single((await GetAsync(org, id))["runs"]!.AsArray())!;
        Assert.Equal(Time(enabled["nextRunAt"]), Time(run["occurrence"]));
        Assert.Equal(0, run["missed"]!.GetValue<int>());
    }

    public static TheoryData<string, string> BadSchedules => new()
    {
        { """{"at":"2027-01-04T09:30:00Z","cron":"0 9 * * *","timeZone":"Europe/Paris"}""", "cron" },
        { """{}""", "at" },
        { """{"cron":"61 * * * *","timeZone":"Europe/Paris"}""", "cron" },
        { """{"cron":"0 0 9 * * *","timeZone":"Europe/Paris"}""", "cron" },
        { """{"cron":"0 9 * * *","timeZone":"Mars/Olympus_Mons"}""", "timeZone" },
        { """{"cron":"0 9 * * *","timeZone":"Eastern Standard Time"}""", "timeZone" },
        { """{"cron":"0 9 * * *"}""", "timeZone" },
        { """{"at":"2020-01-01T09:30:00Z"}""", "at" },
        { """{"at":"2099-01-01T09:30:00"}""", "at" },
        { """{"after":"PT0S"}""", "after" },
        { """{"after":"in a minute"}""", "after" },
        { """{"after":"PT1M","timeZone":"Europe/Paris"}""", "timeZone" },
        { """{"after":"PT1M","configurationId":"00000000-0000-0000-0000-000000000001"}""", "configurationId" },
        { """{"after":"PT1M","contacts":[{"tocontactid":"+14155550100"}]}""", "contacts[0].optin" },
        { """{"after":"PT1M","contacts":[]}""", "contacts" },
    };

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public async Task A_bad_schedule_is_a_400_naming_the_field(string overrides, string field)
    {
        var (org, configuration) = await SetupAsync();
        var body = new JsonObject
        {
            ["name"] = "Bad",
            ["configurationId"] = configuration.ToString(),
            ["contacts"] = new JsonArray(new JsonObject { ["tocontactid"] = "+14155550100", ["optin"] = true }),
        };
        foreach (var (key, value) in JsonNode.Parse(overrides)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        await (await org.Http.PostAsJsonAsync("/v1/schedules", body)).AssertProblemNaming(field);
        Assert.Empty((await (await org.Http.GetAsync("/v1/schedules")).Json(HttpStatusCode.OK))["items"]!.AsArray());
    }
}
