using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Contacts;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConsentTests(OutboundSystem system)
{
    /// <summary>Twilio's test number whose sends fail with 21610: the recipient unsubscribed.</summary>
    private const string Unsubscribed = "+15005550004";

    private static object Send(string to) => new
    {
        contacts = new[] { new { tocontactid = to, optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "CAS-1" } } },
    };

    private static async Task<JsonObject> ResultOf(HttpResponseMessage response) =>
        (await response.Json(HttpStatusCode.Accepted))["results"]![0]!.AsObject();

    [Fact]
    public async Task A_provider_opt_out_skips_the_customer_in_later_requests()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var first = await ResultOf(await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Unsubscribed)));
        Assert.Equal("accepted", first["status"]!.GetValue<string>());
        var message = await org.Http.WaitForMessageAsync(first["messageId"]!.GetValue<string>(), "failed");

        Assert.Equal(("failed", "21610"), (message["status"]!.GetValue<string>(), message["errorCode"]!.GetValue<string>()));
        // The opt-out is recorded just after the message's outcome is stored, so it may trail the status by a moment.
        var consent = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync($"/v1/contacts/{Unsubscribed}/consent")).Json(HttpStatusCode.OK),
            c => c["optedOut"]!.GetValue<bool>());
        Assert.True(consent["optedOut"]!.GetValue<bool>());
        Assert.Equal("provider:21610", consent["source"]!.GetValue<string>());
        var later = await ResultOf(await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Unsubscribed)));
        Assert.Equal("skipped_opted_out", later["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_customer_who_opts_in_again_gets_messages_again()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        const string to = "+14155550177";

        await (await org.Http.PutAsJsonAsync($"/v1/contacts/{to}/consent", new { optedOut = true })).Json(HttpStatusCode.OK);
        var skipped = await ResultOf(await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(to)));
        await (await org.Http.PutAsJsonAsync($"/v1/contacts/{to}/consent", new { optedOut = false })).Json(HttpStatusCode.OK);
        var accepted = await ResultOf(await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(to)));

        Assert.Equal("skipped_opted_out", skipped["status"]!.GetValue<string>());
        Assert.Equal("accepted", accepted["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_opt_out_belongs_to_the_org_it_was_made_with()
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        var (_, _, configuration) = await b.Http.CreateSmsSetupAsync();
        const string to = "+14155550178";

        await (await a.Http.PutAsJsonAsync($"/v1/contacts/{to}/consent", new { optedOut = true })).Json(HttpStatusCode.OK);
        var result = await ResultOf(await b.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(to)));

        Assert.Equal("accepted", result["status"]!.GetValue<string>());
        Assert.False((await (await b.Http.GetAsync($"/v1/contacts/{to}/consent")).Json(HttpStatusCode.OK))["optedOut"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("4155550178", """{"optedOut":true}""", "tocontactid")]
    [InlineData("+14155550178", """{}""", "optedOut")]
    public async Task A_bad_consent_change_is_a_problem_naming_the_field(string to, string body, string field)
    {
        var org = await system.CreateOrgAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        await (await org.Http.PutAsync($"/v1/contacts/{to}/consent", content)).AssertProblemNaming(field);
    }
}
