using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.QuietHours;

/// <summary>
/// A system whose clock can be set to any moment (a customer's late evening, then their next morning) without
/// waiting; retries wait at most a second, so a batch holding messages for quiet hours reads the clock every second.
/// </summary>
public sealed class QuietHoursSystem() : OutboundSystem(("RETRY_MAX_DELAY_SECONDS", 1))
{
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    private int _daysAhead;

    /// <summary>
    /// Moves the silo's clock forward to <paramref name="at"/>. Never back: Orleans schedules activation collection
    /// on this clock too, and refuses times before ones it already used.
    /// </summary>
    public void SetClock(DateTimeOffset at)
    {
        var by = at - Clock.GetUtcNow();
        Assert.True(by > TimeSpan.Zero, $"The clock only moves forward; {at:u} is before {Clock.GetUtcNow():u}.");
        Clock.Advance(by);
    }

    /// <summary>A day later than any a test of this system used before, so every test moves the clock forward only.</summary>
    public DateOnly NextDay() => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(Interlocked.Add(ref _daysAhead, 3)));

    /// <summary>The instant when the clock on the wall in <paramref name="zone"/> shows <paramref name="hour"/>:<paramref name="minute"/> on <paramref name="day"/>.</summary>
    public static DateTimeOffset At(string zone, DateOnly day, int hour, int minute = 0)
    {
        var info = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, info.GetUtcOffset(local));
    }

}

/// <summary>Sends through a configuration and reads what became of the messages.</summary>
public static class QuietHoursApiCalls
{
    public static object Hours(string start, string end, string timeZone) => new { start, end, timeZone };

    public static async Task SetOrgQuietHoursAsync(this OrgClient org, object hours) =>
        await (await org.Http.PutAsJsonAsync("/v1/settings/quiet-hours", hours)).Json(HttpStatusCode.OK);

    /// <summary>Sends one message per number, each body naming the run and the number; the message ids, in order.</summary>
    public static async Task<string[]> SendAsync(this OrgClient org, Guid configuration, string run, params string[] numbers) =>
        [.. (await org.SendForResultsAsync(configuration, run, numbers)).Select(r => r["messageId"]!.GetValue<string>())];

    /// <summary>As <see cref="SendAsync"/>, the per-contact results of the 202.</summary>
    public static async Task<JsonObject[]> SendForResultsAsync(this OrgClient org, Guid configuration, string run, params string[] numbers)
    {
        var body = new
        {
            contacts = numbers.Select(to => new
            {
                tocontactid = to,
                optin = true,
                contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{run}-{to}" },
            }),
        };
        var response = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", body);
        var results = (await response.Json(HttpStatusCode.Accepted))["results"]!.AsArray();
        return [.. results.Select(r => r!.AsObject())];
    }

    public static async Task<JsonObject> MessageAsync(this OrgClient org, string id) =>
        await (await org.Http.GetAsync($"/v1/messages/{id}")).Json(HttpStatusCode.OK);

    public static DateTimeOffset NotBefore(this JsonObject message) => message["notBefore"]!.GetValue<DateTimeOffset>();

    public static string[] History(this JsonObject message) =>
        [.. message["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>())];
}
