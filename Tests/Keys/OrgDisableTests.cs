using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Keys;

/// <summary>The operator disables an org: its keys stop and its sends are refused, until it is enabled again.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OrgDisableTests(OutboundSystem system)
{
    [Fact]
    public async Task A_disabled_orgs_keys_are_refused_saying_so_and_work_again_once_enabled()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        using var sender = system.WithBearer((await ApiKeyTests.CreateKeyAsync(org, "send")).Key);
        using var admin = system.Admin();

        var disabled = await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/status", new { enabled = false })).Json(HttpStatusCode.OK);
        Assert.False(disabled["enabled"]!.GetValue<bool>());

        var refused = await (await org.Http.GetAsync("/v1/org")).Json(HttpStatusCode.Forbidden);
        Assert.Contains("disabled", refused["title"]!.GetValue<string>());
        var send = await sender.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "42" } } },
        });
        Assert.Contains("disabled", (await send.Json(HttpStatusCode.Forbidden))["title"]!.GetValue<string>());

        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/status", new { enabled = true })).Json(HttpStatusCode.OK);
        Assert.True((await (await org.Http.GetAsync("/v1/org")).Json(HttpStatusCode.OK))["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Only_the_operator_changes_an_orgs_status_and_says_which_one()
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();

        Assert.Equal(HttpStatusCode.Unauthorized, (await org.Http.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/status", new { enabled = false })).StatusCode);
        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/status", new { })).AssertProblemNaming("enabled");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/v1/orgs/{Guid.NewGuid()}/status", new { enabled = false })).StatusCode);
    }
}
