using System.Net;
using System.Net.Http.Json;
using System.Text;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Templates;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TemplateApiTests(OutboundSystem system)
{
    private static object Localized => new
    {
        name = "Shipping delay",
        channelType = "sms",
        defaultLocale = "en-US",
        versions = new Dictionary<string, object>
        {
            ["en-US"] = new { body = "Hi {CustomerName}, your order is delayed." },
            ["fr"] = new { body = "Bonjour {CustomerName}, votre commande est retardée." },
            ["ja-JP"] = new { body = "{CustomerName}様、ご注文が遅れています。" },
        },
    };

    public static TheoryData<string, object> InvalidTemplates => new()
    {
        { "channelType", new { name = "t", channelType = "email", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "x" } } } },
        { "name", new { name = "", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "x" } } } },
        { "versions.en-US.body", new { name = "t", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "Hi {CustomerName" } } } },
        { "versions.en-US.body", new { name = "t", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "Hi CustomerName}" } } } },
        { "versions.en-US.body", new { name = "t", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "" } } } },
        { "versions.en-US.body", new { name = "t", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = new string('a', 1601) } } } },
        { "versions.xx-YY", new { name = "t", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { body = "x" }, ["xx-YY"] = new { body = "x" } } } },
        { "defaultLocale", new { name = "t", channelType = "sms", defaultLocale = "de-DE", versions = new Dictionary<string, object> { ["en-US"] = new { body = "x" } } } },
        { "versions", new { name = "t", channelType = "sms", defaultLocale = "en-US", versions = new Dictionary<string, object>() } },
        { "versions.en-US.contentSid", new { name = "t", channelType = "whatsapp", defaultLocale = "en-US", versions = new Dictionary<string, object> { ["en-US"] = new { contentSid = "HX1" } } } },
    };

    [Theory]
    [MemberData(nameof(InvalidTemplates))]
    public async Task An_invalid_template_is_a_problem_naming_the_field(string field, object template)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.PostAsJsonAsync("/v1/templates", template)).AssertProblemNaming(field);
    }

    [Fact]
    public async Task A_body_of_the_wrong_json_type_is_a_problem_naming_the_field()
    {
        var org = await system.CreateOrgAsync();
        using var body = new StringContent("""{"name":"t","channelType":"sms","defaultLocale":"en-US","versions":{"en-US":{"body":42}}}""", Encoding.UTF8, "application/json");

        await (await org.Http.PostAsync("/v1/templates", body)).AssertProblemNaming("versions.en-US.body");
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var org = await system.CreateOrgAsync();
        using var body = new StringContent("""{"name":"t",""", Encoding.UTF8, "application/json");

        var response = await org.Http.PostAsync("/v1/templates", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("fr-CA", "fr", "Bonjour Ana, votre commande est retardée.")]
    [InlineData("fr", "fr", "Bonjour Ana, votre commande est retardée.")]
    [InlineData("de-DE", "en-US", "Hi Ana, your order is delayed.")]
    [InlineData(null, "en-US", "Hi Ana, your order is delayed.")]
    public async Task Render_falls_back_from_region_to_language_to_the_default(string? requested, string used, string text)
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", Localized);

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/templates/{id}/render", Api.Render(requested, ("CustomerName", "Ana")))).Json(HttpStatusCode.OK);

        Assert.Equal(used, rendered["locale"]!.GetValue<string>());
        Assert.Equal(text, rendered["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Render_inserts_non_latin_values_and_switches_to_ucs2()
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", Localized);

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/templates/{id}/render", Api.Render("ja-JP", ("CustomerName", "山田")))).Json(HttpStatusCode.OK);

        Assert.Equal("山田様、ご注文が遅れています。", rendered["text"]!.GetValue<string>());
        Assert.Equal("UCS-2", rendered["encoding"]!.GetValue<string>());
        Assert.Equal(1, rendered["segments"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("a", 160, "GSM-7", 1)]
    [InlineData("a", 161, "GSM-7", 2)]
    [InlineData("a", 306, "GSM-7", 2)]
    [InlineData("a", 307, "GSM-7", 3)]
    [InlineData("ж", 70, "UCS-2", 1)]
    [InlineData("ж", 71, "UCS-2", 2)]
    [InlineData("ж", 134, "UCS-2", 2)]
    [InlineData("ж", 135, "UCS-2", 3)]
    public async Task Render_counts_segments(string character, int length, string encoding, int segments)
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate("{Text}"));

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/templates/{id}/render",
            Api.Render("en-US", ("Text", string.Concat(Enumerable.Repeat(character, length)))))).Json(HttpStatusCode.OK);

        Assert.Equal(encoding, rendered["encoding"]!.GetValue<string>());
        Assert.Equal(segments, rendered["segments"]!.GetValue<int>());
    }

    [Fact]
    public async Task Render_inserts_slug_values_literally()
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/templates/{id}/render",
            Api.Render("en-US", ("CustomerName", "{CaseName}"), ("CaseName", "CAS-1")))).Json(HttpStatusCode.OK);

        Assert.Equal("Hi {CaseName}, case CAS-1 is open.", rendered["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Render_without_a_slug_value_is_a_problem_naming_the_slug()
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());

        await (await org.Http.PostAsJsonAsync($"/v1/templates/{id}/render", Api.Render("en-US", ("CaseName", "CAS-1"))))
            .AssertProblemNaming("contextitems.CustomerName");
    }

    [Fact]
    public async Task A_whatsapp_template_renders_its_content_sid_and_variables()
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", new
        {
            name = "Order shipped",
            channelType = "whatsapp",
            defaultLocale = "en-US",
            versions = new Dictionary<string, object>
            {
                ["en-US"] = new { contentSid = Api.ContentSid, variables = new Dictionary<string, string> { ["1"] = "CustomerName", ["2"] = "OrderId" } },
            },
        });

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/templates/{id}/render",
            Api.Render("fr-FR", ("CustomerName", "Ana"), ("OrderId", "42")))).Json(HttpStatusCode.OK);

        Assert.Equal(Api.ContentSid, rendered["contentSid"]!.GetValue<string>());
        Assert.Equal("Ana", rendered["contentVariables"]!["1"]!.GetValue<string>());
        Assert.Equal("42", rendered["contentVariables"]!["2"]!.GetValue<string>());
        Assert.Null(rendered["text"]);
    }

    [Fact]
    public async Task Replacing_a_template_stores_the_new_version()
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate("Old {CustomerName}"));

        await (await org.Http.PutAsJsonAsync($"/v1/templates/{id}", Localized)).Json(HttpStatusCode.OK);

        var stored = await (await org.Http.GetAsync($"/v1/templates/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(2, stored["version"]!.GetValue<int>());
        Assert.Equal(["en-US", "fr", "ja-JP"], stored["versions"]!.AsObject().Select(v => v.Key).Order());
    }
}
