using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Activities;

namespace Outbound.Tests.Orgs;

/// <summary>Admins see this hour's send requests against the hourly limit (the console's quota gauge).</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OrgUsageTests(OutboundSystem system)
{
    [Fact]
    public async Task Usage_counts_this_hours_send_requests_and_reading_it_takes_nothing()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()), ActivityApi.Contact(ActivityApi.UniqueNumber()));
        await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()));

        var usage = await (await org.Http.GetAsync("/v1/org/usage")).Json(HttpStatusCode.OK);
        var again = await (await org.Http.GetAsync("/v1/org/usage")).Json(HttpStatusCode.OK);

        Assert.Equal(2, usage["used"]!.GetValue<int>()); // requests, not contacts
        Assert.Equal(30_000, usage["limit"]!.GetValue<int>());
        Assert.Equal(29_998, usage["remaining"]!.GetValue<int>());
        var windowStart = usage["windowStart"]!.GetValue<DateTimeOffset>();
        Assert.Equal(TimeSpan.Zero, windowStart.TimeOfDay - TimeSpan.FromHours(windowStart.TimeOfDay.Hours));
        Assert.Equal(windowStart.AddHours(1), usage["resetAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(2, again["used"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_an_admin_key_reads_the_usage()
    {
        var org = await system.CreateOrgAsync();
        var sendKey = (await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Sender", scope = "send" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();
        using var sender = system.WithBearer(sendKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync("/v1/org/usage")).StatusCode);
    }
}
