using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Keys;

/// <summary>
/// An org has several named API keys, each of one scope: an admin key creates, lists and revokes them, a key is
/// shown once, and the list tells keys apart by prefix and last use.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ApiKeyTests(OutboundSystem system)
{
    [Fact]
    public async Task An_admin_key_creates_a_key_that_is_shown_once_lists_it_and_revokes_it()
    {
        var org = await system.CreateOrgAsync();

        var created = await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "CRM sender", scope = "send" })).Json(HttpStatusCode.Created);
        var key = created["key"]!.GetValue<string>();
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("send", created["scope"]!.GetValue<string>());
        Assert.StartsWith(created["prefix"]!.GetValue<string>(), key);
        using var sender = system.WithBearer(key);
        Assert.Equal(HttpStatusCode.OK, (await sender.GetAsync("/v1/org")).StatusCode);

        var listed = await ListAsync(org.Http);
        var entry = listed.Single(k => k["id"]!.GetValue<Guid>() == id);
        Assert.Equal("CRM sender", entry["name"]!.GetValue<string>());
        Assert.Equal(created["prefix"]!.GetValue<string>(), entry["prefix"]!.GetValue<string>());
        Assert.False(entry.ContainsKey("key"));
        Assert.DoesNotContain(key, await org.Http.GetStringAsync("/v1/api-keys"));
        Assert.Contains(listed, k => k["name"]!.GetValue<string>() == "default" && k["scope"]!.GetValue<string>() == "admin");

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/api-keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sender.GetAsync("/v1/org")).StatusCode);
        Assert.DoesNotContain(await ListAsync(org.Http), k => k["id"]!.GetValue<Guid>() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.DeleteAsync($"/v1/api-keys/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_key_used_once_shows_when_in_the_list_and_an_unused_key_shows_no_use()
    {
        var org = await system.CreateOrgAsync();
        var used = await CreateKeyAsync(org, "send");
        var unused = await CreateKeyAsync(org, "send");
        using var sender = system.WithBearer(used.Key);

        Assert.Equal(HttpStatusCode.OK, (await sender.GetAsync("/v1/org")).StatusCode);

        var listed = await ListAsync(org.Http);
        var lastUsed = listed.Single(k => k["id"]!.GetValue<Guid>() == used.Id)["lastUsedAt"];
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow);
        Assert.Null(listed.Single(k => k["id"]!.GetValue<Guid>() == unused.Id)["lastUsedAt"]);
    }

    [Fact]
    public async Task A_send_key_sends_and_reads_its_messages_but_cannot_change_the_catalog_or_keys()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        using var sender = system.WithBearer((await CreateKeyAsync(org, "send")).Key);

        var channel = await sender.PostAsJsonAsync("/v1/channels", Api.TwilioSmsChannel());
        var problem = await channel.Json(HttpStatusCode.Forbidden);
        Assert.Contains("'admin'", problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync("/v1/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync("/v1/reports/outbound")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await org.Http.PostAsJsonAsync("/v1/channels", Api.TwilioSmsChannel())).StatusCode);

        var sent = await (await sender.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "42" } } },
        })).Json(HttpStatusCode.Accepted);
        var messageId = sent["results"]![0]!["messageId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await sender.GetAsync($"/v1/messages/{messageId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sender.PutAsJsonAsync("/v1/contacts/+14155550142/consent", new { optedOut = true })).StatusCode);
    }

    [Fact]
    public async Task An_agent_key_reads_its_org_but_neither_sends_nor_reaches_the_catalog()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        using var agent = system.WithBearer((await CreateKeyAsync(org, "agent")).Key);

        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/v1/org")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/v1/channels")).StatusCode);
        var send = await agent.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new { contacts = new[] { new { tocontactid = "+14155550142", optin = true } } });
        Assert.Contains("'send'", (await send.Json(HttpStatusCode.Forbidden))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_needs_a_name_and_a_known_scope()
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "x", scope = "owner" })).AssertProblemNaming("scope");
        await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = " ", scope = "send" })).AssertProblemNaming("name");
        await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = new string('k', 101), scope = "send" })).AssertProblemNaming("name");
    }

    [Fact]
    public async Task The_operator_issues_a_key_to_an_org_and_an_org_key_cannot()
    {
        var org = await system.CreateOrgAsync();
        using var admin = system.Admin();

        var issued = await (await admin.PostAsJsonAsync($"/v1/orgs/{org.OrgId}/api-keys", new { name = "recovery", scope = "admin" })).Json(HttpStatusCode.Created);
        using var recovered = system.WithBearer(issued["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await recovered.GetAsync("/v1/api-keys")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await org.Http.PostAsJsonAsync($"/v1/orgs/{org.OrgId}/api-keys", new { name = "x", scope = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/v1/orgs/{Guid.NewGuid()}/api-keys", new { name = "x", scope = "admin" })).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_within_a_second_on_another_gateway()
    {
        var org = await system.CreateOrgAsync();
        var key = await CreateKeyAsync(org, "send");
        using var other = new HttpClient { BaseAddress = await system.StartAnotherGatewayAsync() };
        other.DefaultRequestHeaders.Authorization = new("Bearer", key.Key);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/org")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/api-keys/{key.Id}")).StatusCode);

        await Eventually.ReturnsAsync(async () => (await other.GetAsync("/v1/org")).StatusCode, s => s == HttpStatusCode.Unauthorized, timeoutMs: 1_000);
    }

    [Fact]
    public async Task The_key_list_pages_oldest_first_and_a_page_follows_on_after_a_key_revoked_in_between()
    {
        var org = await system.CreateOrgAsync();
        var made = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            made.Add((await CreateKeyAsync(org, "send")).Id);
        }

        var all = (await ListAsync(org.Http)).Select(k => k["id"]!.GetValue<Guid>()).ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal(made, all.Skip(1));

        var first = await (await org.Http.GetAsync("/v1/api-keys?limit=2")).Json(HttpStatusCode.OK);
        Assert.Equal(all.Take(2), first["items"]!.AsArray().Select(k => k!["id"]!.GetValue<Guid>()));
        var cursor = first["nextCursor"]!.GetValue<string>();

        // The last key of the first page is revoked before the next page is read.
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/api-keys/{all[1]}")).StatusCode);
        var second = await (await org.Http.GetAsync($"/v1/api-keys?limit=2&cursor={Uri.EscapeDataString(cursor)}")).Json(HttpStatusCode.OK);
        Assert.Equal(all.Skip(2).Take(2), second["items"]!.AsArray().Select(k => k!["id"]!.GetValue<Guid>()));

        var third = await (await org.Http.GetAsync($"/v1/api-keys?limit=2&cursor={Uri.EscapeDataString(second["nextCursor"]!.GetValue<string>())}")).Json(HttpStatusCode.OK);
        Assert.Equal(all.Skip(4), third["items"]!.AsArray().Select(k => k!["id"]!.GetValue<Guid>()));
        Assert.Null(third["nextCursor"]);
    }

    public static async Task<(Guid Id, string Key)> CreateKeyAsync(OrgClient org, string scope)
    {
        var created = await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = $"{scope} key", scope })).Json(HttpStatusCode.Created);
        return (created["id"]!.GetValue<Guid>(), created["key"]!.GetValue<string>());
    }

    private static async Task<List<JsonObject>> ListAsync(HttpClient http) =>
        [.. (await (await http.GetAsync("/v1/api-keys")).Json(HttpStatusCode.OK))["items"]!.AsArray().Select(k => k!.AsObject())];
}
