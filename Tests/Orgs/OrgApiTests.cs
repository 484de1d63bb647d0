using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Outbound.Grains.Orgs;
using Outbound.Orgs;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Orgs;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OrgApiTests(OutboundSystem system)
{
    [Fact]
    public async Task Creating_an_org_requires_the_admin_key()
    {
        using var anonymous = system.Anonymous();
        using var wrongKey = system.WithBearer("not-the-admin-key");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/orgs", new { name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.PostAsJsonAsync("/v1/orgs", new { name = "X" })).StatusCode);
    }

    [Fact]
    public async Task An_org_api_key_cannot_create_orgs()
    {
        var org = await system.CreateOrgAsync();

        var response = await org.Http.PostAsJsonAsync("/v1/orgs", new { name = "Shadow" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_new_org_gets_an_api_key_that_authenticates_as_that_org()
    {
        var org = await system.CreateOrgAsync("Fabrikam");

        var profile = await (await org.Http.GetAsync("/v1/org")).Json(HttpStatusCode.OK);

        Assert.Equal(org.OrgId, profile["orgId"]!.GetValue<Guid>());
        Assert.Equal("Fabrikam", profile["name"]!.GetValue<string>());
        Assert.Equal(100, profile["settings"]!["maxContactsPerRequest"]!.GetValue<int>());
        Assert.Equal(30_000, profile["settings"]!["maxRequestsPerHour"]!.GetValue<int>());
        Assert.Null(profile["apiKey"]);
    }

    [Fact]
    public async Task A_missing_or_altered_api_key_is_a_401_problem()
    {
        var org = await system.CreateOrgAsync();
        using var anonymous = system.Anonymous();
        using var altered = system.WithBearer(org.ApiKey[..^2] + (org.ApiKey[^2..] == "AA" ? "BB" : "AA"));

        foreach (var response in new[] { await anonymous.GetAsync("/v1/channels"), await altered.GetAsync("/v1/channels") })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_org_needs_a_name()
    {
        using var admin = system.Admin();

        await (await admin.PostAsJsonAsync("/v1/orgs", new { name = " " })).AssertProblemNaming("name");
    }

    [Fact]
    public async Task The_operator_can_change_an_orgs_limits()
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();

        var updated = await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 250, maxRequestsPerHour = 120_000 }))
            .Json(HttpStatusCode.OK);

        Assert.Equal(250, updated["settings"]!["maxContactsPerRequest"]!.GetValue<int>());
        var profile = await (await org.Http.GetAsync("/v1/org")).Json(HttpStatusCode.OK);
        Assert.Equal(120_000, profile["settings"]!["maxRequestsPerHour"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_org_cannot_change_its_own_limits()
    {
        var org = await system.CreateOrgAsync();

        var response = await org.Http.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 1000, maxRequestsPerHour = 1_000_000 });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(0, 100, "maxContactsPerRequest")]
    [InlineData(1001, 100, "maxContactsPerRequest")]
    [InlineData(100, 0, "maxRequestsPerHour")]
    public async Task Limits_out_of_range_are_named(int contacts, int requests, string field)
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();

        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = contacts, maxRequestsPerHour = requests }))
            .AssertProblemNaming(field);
    }

    [Fact]
    public async Task A_new_org_retries_messages_for_24_hours()
    {
        var org = await system.CreateOrgAsync();

        var settings = (await (await org.Http.GetAsync("/v1/org")).Json(HttpStatusCode.OK))["settings"]!.AsObject();

        Assert.Equal(24, settings["deliveryDeadlineHours"]!.GetValue<int>());
        Assert.Equal(["maxContactsPerRequest", "maxRequestsPerHour", "deliveryDeadlineHours"], settings.Select(p => p.Key));
    }

    [Fact]
    public async Task The_operator_can_change_an_orgs_delivery_deadline()
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();

        var updated = await (await PutDeliveryDeadlineAsync(admin, org, 72)).Json(HttpStatusCode.OK);

        Assert.Equal(72, updated["settings"]!["deliveryDeadlineHours"]!.GetValue<int>());
        var profile = await (await org.Http.GetAsync("/v1/org")).Json(HttpStatusCode.OK);
        Assert.Equal(72, profile["settings"]!["deliveryDeadlineHours"]!.GetValue<int>());
    }

    [Fact]
    public async Task Settings_without_a_delivery_deadline_set_the_default_of_24_hours()
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();
        await (await PutDeliveryDeadlineAsync(admin, org, 1)).Json(HttpStatusCode.OK);

        var updated = await (await PutDeliveryDeadlineAsync(admin, org, null)).Json(HttpStatusCode.OK);

        Assert.Equal(24, updated["settings"]!["deliveryDeadlineHours"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(73)]
    public async Task The_delivery_deadline_is_between_1_and_72_hours(int hours)
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();

        await (await PutDeliveryDeadlineAsync(admin, org, hours)).AssertProblemNaming("deliveryDeadlineHours");
    }

    [Fact]
    public void An_org_stored_before_the_delivery_deadline_existed_reads_back_with_24_hours()
    {
        // The silo's own grain storage serializer; the stored shape is today's minus the new property.
        var serializer = system.SiloServices.GetRequiredService<IGrainStorageSerializer>();
        var stored = JsonNode.Parse(serializer.Serialize(new OrgState { Name = "Contoso", Settings = new OrgSettings(250, 1_000) }).ToString())!;
        var settings = stored["Settings"]!.AsObject();
        Assert.True(settings.Remove("DeliveryDeadlineHours"), $"Unexpected stored shape: {stored.ToJsonString()}");
        Assert.False(settings.ContainsKey("DeliveryDeadline"));

        var read = serializer.Deserialize<OrgState>(BinaryData.FromString(stored.ToJsonString()))!;

        Assert.Equal(new OrgSettings(250, 1_000, 24), read.Settings);
        Assert.Equal(TimeSpan.FromHours(24), read.Settings.DeliveryDeadline);
    }

    [Fact]
    public void A_delivery_deadline_of_0_means_the_default()
    {
        Assert.Equal(TimeSpan.FromHours(24), new OrgSettings(DeliveryDeadlineHours: 0).DeliveryDeadline);
        Assert.Equal(TimeSpan.FromHours(72), new OrgSettings(DeliveryDeadlineHours: 72).DeliveryDeadline);
    }

    /// <summary>Puts the default limits with <paramref name="hours"/> as the delivery deadline, or without one when null.</summary>
    private static Task<HttpResponseMessage> PutDeliveryDeadlineAsync(HttpClient admin, OrgClient org, int? hours)
    {
        var settings = new Dictionary<string, int> { ["maxContactsPerRequest"] = 100, ["maxRequestsPerHour"] = 30_000 };
        if (hours is { } h)
        {
            settings["deliveryDeadlineHours"] = h;
        }

        return admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", settings);
    }
}
