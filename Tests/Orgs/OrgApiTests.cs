using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Orgs;

[Collection(SystemCollection.Name)]
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
}
