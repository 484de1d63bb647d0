using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SendApiTests(OutboundSystem system)
{
    private static object Contact(string to = "+14155550142", bool? optin = true, string? caseName = null, string? locale = null) => new Dictionary<string, object?>
    {
        ["tocontactid"] = to,
        ["optin"] = optin,
        ["locale"] = locale,
        ["contextitems"] = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = caseName ?? $"CAS-{Guid.NewGuid():N}" },
        ["entityrelationshipname"] = "incident_msdyn_ocoutboundmessages",
    };

    private static object Send(params object[] contacts) => new { contacts };

    private async Task<(OrgClient Org, Guid Configuration)> SetupAsync(object? template = null)
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync(template);
        return (org, configuration);
    }

    [Fact]
    public async Task An_accepted_message_reaches_the_provider_and_becomes_sent()
    {
        var (org, configuration) = await SetupAsync();
        var caseName = $"CAS-{Guid.NewGuid():N}";

        var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Contact(caseName: caseName))))
            .Json(HttpStatusCode.Accepted);

        var result = response["results"]!.AsArray().Single()!;
        Assert.Equal("accepted", result["status"]!.GetValue<string>());
        var message = await org.Http.WaitForMessageAsync(result["messageId"]!.GetValue<string>(), "sent", "delivered");
        var ledger = await system.Providers.LedgerAsync();
        var row = Assert.Single(ledger, r => r.GetProperty("body").GetString()!.Contains(caseName));
        Assert.Equal($"Hi Ana, case {caseName} is open.", row.GetProperty("body").GetString());
        Assert.Equal(row.GetProperty("messageId").GetString(), message["providerMessageId"]!.GetValue<string>());
        Assert.Equal(1, message["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task Each_contact_gets_its_own_result_in_input_order()
    {
        var (org, configuration) = await SetupAsync();
        var missingSlug = new Dictionary<string, object?> { ["tocontactid"] = "+14155550143", ["optin"] = true, ["contextitems"] = new { CaseName = "CAS-1" } };

        var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send",
            Send(Contact(), Contact(optin: false), Contact(to: "555-0100"), missingSlug))).Json(HttpStatusCode.Accepted);

        var results = response["results"]!.AsArray();
        Assert.Equal(["accepted", "skipped_no_optin", "invalid", "invalid"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Contains("tocontactid", results[2]!["reason"]!.GetValue<string>());
        Assert.Contains("{CustomerName}", results[3]!["reason"]!.GetValue<string>());
        Assert.Null(results[1]!["messageId"]);
    }

    [Fact]
    public async Task An_sms_contact_gets_the_version_of_its_locale()
    {
        var template = new
        {
            name = "Case created", channelType = "sms", defaultLocale = "en-US",
            versions = new Dictionary<string, object> { ["en-US"] = new { body = "Hi {CustomerName} {CaseName}" }, ["fr"] = new { body = "Bonjour {CustomerName} {CaseName}" } },
        };
        var (org, configuration) = await SetupAsync(template);
        var caseName = $"CAS-{Guid.NewGuid():N}";

        var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Contact(caseName: caseName, locale: "fr-CA"))))
            .Json(HttpStatusCode.Accepted);

        await org.Http.WaitForMessageAsync(response["results"]![0]!["messageId"]!.GetValue<string>(), "sent", "delivered");
        Assert.Contains(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString() == $"Bonjour Ana {caseName}");
    }

    [Theory]
    [InlineData("""{"contacts":[]}""", "contacts")]
    [InlineData("""{}""", "contacts")]
    [InlineData("""{"contacts":[{"tocontactid":"+14155550142","contextitems":{}}]}""", "contacts[0].optin")]
    [InlineData("""{"contacts":[{"tocontactid":"+14155550142","optin":true},{"tocontactid":"+14155550142"}]}""", "contacts[1].optin")]
    [InlineData("""{"contacts":[{"tocontactid":"+14155550142","optin":"yes"}]}""", "contacts[0].optin")]
    public async Task A_malformed_contact_list_is_a_problem_naming_the_field(string body, string field)
    {
        var (org, configuration) = await SetupAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        await (await org.Http.PostAsync($"/v1/outbound-configurations/{configuration}/send", content)).AssertProblemNaming(field);
    }

    [Fact]
    public async Task More_contacts_than_the_orgs_limit_is_a_problem_and_sends_nothing()
    {
        var (org, configuration) = await SetupAsync();

        var response = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send",
            Send([.. Enumerable.Range(0, 101).Select(_ => Contact())]));

        await response.AssertProblemNaming("contacts");
    }

    [Fact]
    public async Task Oversized_context_values_are_named()
    {
        var (org, configuration) = await SetupAsync();
        var contact = new Dictionary<string, object?> { ["tocontactid"] = "+14155550142", ["optin"] = true, ["contextitems"] = new Dictionary<string, string> { ["CustomerName"] = new string('a', 1025), ["CaseName"] = "x" } };

        await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(contact)))
            .AssertProblemNaming("contacts[0].contextitems.CustomerName");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_before_it_is_read()
    {
        var (org, configuration) = await SetupAsync();
        using var content = new StringContent($$"""{"contacts":[{"tocontactid":"+14155550142","optin":true,"locale":"{{new string('x', 70_000)}}"}]}""", Encoding.UTF8, "application/json");

        var response = await org.Http.PostAsync($"/v1/outbound-configurations/{configuration}/send", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sending_through_an_unknown_configuration_is_not_found()
    {
        var org = await system.CreateOrgAsync();

        var response = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{Guid.NewGuid()}/send", Send(Contact()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_original_answer_and_sends_nothing_again()
    {
        var (org, configuration) = await SetupAsync();
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var body = Send(Contact(caseName: caseName));
        HttpRequestMessage Request() => new(HttpMethod.Post, $"/v1/outbound-configurations/{configuration}/send")
        {
            Content = JsonContent.Create(body),
            Headers = { { "Idempotency-Key", "order-42-shipped" } },
        };

        var first = await (await org.Http.SendAsync(Request())).Json(HttpStatusCode.Accepted);
        var again = await org.Http.SendAsync(Request());

        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(again.Headers.Contains("RateLimit-Remaining"), "A replay took no quota, so it reports none.");
        Assert.Equal(first.ToJsonString(), (await again.Json(HttpStatusCode.Accepted)).ToJsonString());
        await org.Http.WaitForMessageAsync(first["results"]![0]!["messageId"]!.GetValue<string>(), "sent", "delivered");
        Assert.Single(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString()!.Contains(caseName));
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_request_is_a_422()
    {
        var (org, configuration) = await SetupAsync();
        HttpRequestMessage Request(object body) => new(HttpMethod.Post, $"/v1/outbound-configurations/{configuration}/send")
        {
            Content = JsonContent.Create(body),
            Headers = { { "Idempotency-Key", "reused-key" } },
        };

        await (await org.Http.SendAsync(Request(Send(Contact(caseName: "A"))))).Json(HttpStatusCode.Accepted);
        var response = await org.Http.SendAsync(Request(Send(Contact(caseName: "B"))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Over_the_hourly_quota_a_request_is_refused_with_retry_after_and_nothing_is_accepted()
    {
        var (org, configuration) = await SetupAsync();
        using var admin = system.Admin();
        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = 2 })).Json(HttpStatusCode.OK);

        var first = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Contact()));
        await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Contact()));
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var refused = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Contact(caseName: caseName)));

        Assert.Equal(("2", "1"), (first.Headers.GetValues("RateLimit-Limit").Single(), first.Headers.GetValues("RateLimit-Remaining").Single()));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal("0", refused.Headers.GetValues("RateLimit-Remaining").Single());
        await Task.Delay(500);
        Assert.DoesNotContain(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString()!.Contains(caseName));
    }

    [Fact]
    public async Task Another_orgs_message_is_not_found()
    {
        var (org, configuration) = await SetupAsync();
        var other = await system.CreateOrgAsync();
        var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send(Contact()))).Json(HttpStatusCode.Accepted);
        var messageId = response["results"]![0]!["messageId"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/v1/messages/{messageId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await org.Http.GetAsync($"/v1/messages/{messageId}")).StatusCode);
    }
}
