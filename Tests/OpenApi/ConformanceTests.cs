using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Outbound.Tests.Providers;

namespace Outbound.Tests.OpenApi;

/// <summary>
/// The walk-through of an integrator, through Prism proxying to the gateway and validating every request and
/// response against the document the gateway serves: whatever the API answers, the document says it can.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConformanceTests(OutboundSystem system) : IAsyncLifetime
{
    private PrismProcess _prism = null!;

    public async Task InitializeAsync()
    {
        using var http = system.Anonymous();
        var folder = Path.Combine(ProviderTestPaths.RepoRoot, ".data", "openapi");
        Directory.CreateDirectory(folder);
        var document = Path.Combine(folder, $"conformance-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await http.GetStringAsync("/openapi/v1.json"));
        _prism = await PrismProcess.StartAsync("proxy", document, system.GatewayUrl.ToString().TrimEnd('/'));
    }

    public async Task DisposeAsync() => await _prism.DisposeAsync();

    [Fact]
    public async Task The_sms_walk_through_conforms_to_the_document()
    {
        var org = await system.CreateOrgAsync();
        using var http = Through(org.ApiKey);

        var (channel, template, configuration) = await http.CreateSmsSetupAsync();
        await (await http.GetAsync("/v1/channels?limit=10")).Json(HttpStatusCode.OK);
        await (await http.GetAsync($"/v1/channels/{channel}")).Json(HttpStatusCode.OK);
        await (await http.GetAsync($"/v1/templates/{template}")).Json(HttpStatusCode.OK);
        await (await http.GetAsync($"/v1/outbound-configurations/{configuration}")).Json(HttpStatusCode.OK);
        await (await http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render", Api.Render("en-US", ("CustomerName", "Ana"), ("CaseName", "42")))).Json(HttpStatusCode.OK);

        using var send = new HttpRequestMessage(HttpMethod.Post, $"/v1/outbound-configurations/{configuration}/send")
        {
            Content = JsonContent.Create(new
            {
                contacts = new[] { new { tocontactid = "+14155550111", optin = true, contextitems = new { CustomerName = "Ana", CaseName = "42" } } },
            }),
        };
        send.Headers.Add("Idempotency-Key", $"walk-{Guid.NewGuid():N}");
        var results = await (await http.SendAsync(send)).Json(HttpStatusCode.Accepted);
        var messageId = results["results"]![0]!["messageId"]!.GetValue<string>();
        await http.WaitForMessageAsync(messageId, "sent", "delivered");
        await (await http.GetAsync($"/v1/contacts/{Uri.EscapeDataString("+14155550111")}/consent")).Json(HttpStatusCode.OK);
        await (await http.GetAsync("/v1/org")).Json(HttpStatusCode.OK);
        await (await http.GetAsync("/v1/api-keys")).Json(HttpStatusCode.OK);

        AssertNoViolation();
    }

    [Fact]
    public async Task Whatsapp_acs_reports_and_the_references_contact_list_conform_to_the_document()
    {
        var org = await system.CreateOrgAsync();
        using var http = Through(org.ApiKey);

        var whatsApp = await http.CreateAsync("/v1/channels", new
        {
            name = "Support WhatsApp", type = "whatsapp", provider = "twilio", from = "whatsapp:+14155550100",
            twilio = new { accountSid = Api.AccountSid, authToken = Api.TwilioAuthToken },
        });
        await http.CreateAsync("/v1/channels", Api.AcsSmsChannel());
        var template = await http.CreateAsync("/v1/templates", new
        {
            name = "Case created", channelType = "whatsapp", defaultLocale = "en-US",
            versions = new Dictionary<string, object> { ["en-US"] = new { contentSid = Api.ContentSid, variables = new Dictionary<string, string> { ["1"] = "CustomerName" } } },
        });
        await http.CreateAsync(
            "/v1/outbound-configurations", new { name = "WhatsApp", showInTimeline = true, channelType = "whatsapp", channelId = whatsApp, templateId = template, active = true }, "configurationId");
        await (await http.GetAsync("/v1/outbound-configurations?active=true")).Json(HttpStatusCode.OK);

        // Sent on SMS: the other tests of this shared system read every ledger row's body, which a WhatsApp row lacks.
        var (_, _, configuration) = await http.CreateSmsSetupAsync(Api.SmsTemplate("Hi {CustomerName}"));
        var results = await (await http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550112", optin = true, CustomerName = "Ana", entityrelationshipname = "incident" } },
        })).Json(HttpStatusCode.Accepted);
        await http.WaitForMessageAsync(results["results"]![0]!["messageId"]!.GetValue<string>(), "sent", "delivered");
        await (await http.GetAsync($"/v1/reports/outbound?configurationId={configuration}&interval=day")).Json(HttpStatusCode.OK);
        await (await http.GetAsync($"/v1/contacts/{Uri.EscapeDataString("+14155550112")}/timeline")).Json(HttpStatusCode.OK);

        AssertNoViolation();
    }

    [Fact]
    public async Task Refusals_conform_to_the_document()
    {
        var org = await system.CreateOrgAsync();
        using var http = Through(org.ApiKey);
        using var wrongKey = Through("not-a-key");

        // Valid by the document (it cannot say what an account SID looks like), refused by the API: a 400 naming it.
        var badSid = new { name = "Bad SID", type = "sms", provider = "twilio", from = "+14155550100", twilio = new { accountSid = "bad", authToken = "token" } };
        await (await http.PostAsJsonAsync("/v1/channels", badSid)).AssertProblemNaming("twilio.accountSid");
        await (await http.GetAsync($"/v1/channels/{Guid.NewGuid()}")).AssertStatus(HttpStatusCode.NotFound);
        await (await http.DeleteAsync($"/v1/templates/{Guid.NewGuid()}")).AssertStatus(HttpStatusCode.NotFound);
        await (await wrongKey.GetAsync("/v1/channels")).AssertStatus(HttpStatusCode.Unauthorized);

        AssertNoViolation();
    }

    private HttpClient Through(string key)
    {
        var client = new HttpClient { BaseAddress = _prism.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private void AssertNoViolation()
    {
        var violations = _prism.Output.Where(l => l.Contains("Violation", StringComparison.OrdinalIgnoreCase) || l.Contains("prism/errors", StringComparison.Ordinal)).ToList();
        Assert.True(violations.Count == 0, $"Prism found violations of the document:\n{string.Join('\n', _prism.Output)}");
    }
}

internal static class ConformanceAssertions
{
    public static async Task AssertStatus(this HttpResponseMessage response, HttpStatusCode expected) =>
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
