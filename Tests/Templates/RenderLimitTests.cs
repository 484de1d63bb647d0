using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Templates;

/// <summary>A render costs at most one SMS of work, however a template repeats a slug or a value is long.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RenderLimitTests(OutboundSystem system)
{
    // 533 slugs and a 60,000-character value (near the render body limit) would render 32 million characters.
    private static readonly object s_amplifying = Api.SmsTemplate(string.Concat(Enumerable.Repeat("{A}", 533)));
    private static readonly object s_longValue = Api.Render("en-US", ("A", new string('x', 60_000)));

    [Fact]
    public async Task Rendering_a_template_past_1600_characters_is_a_problem_naming_contextitems()
    {
        var org = await system.CreateOrgAsync();
        var template = await org.Http.CreateAsync("/v1/templates", s_amplifying);

        var response = await org.Http.PostAsJsonAsync($"/v1/templates/{template}/render", s_longValue);

        await response.AssertProblemNaming("contextitems");
    }

    [Fact]
    public async Task Rendering_a_configuration_past_1600_characters_is_a_problem_naming_contextitems()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync(s_amplifying);

        var response = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render", s_longValue);

        await response.AssertProblemNaming("contextitems");
    }

    [Fact]
    public async Task Rendering_a_whatsapp_variable_past_1024_characters_is_a_problem_naming_its_slug()
    {
        var org = await system.CreateOrgAsync();
        var template = await org.Http.CreateAsync("/v1/templates", new
        {
            name = "Order update",
            channelType = "whatsapp",
            defaultLocale = "en-US",
            versions = new Dictionary<string, object> { ["en-US"] = new { contentSid = Api.ContentSid, variables = new Dictionary<string, string> { ["1"] = "Note" } } },
        });

        var response = await org.Http.PostAsJsonAsync($"/v1/templates/{template}/render", Api.Render(null, ("Note", new string('x', 1_025))));

        await response.AssertProblemNaming("contextitems.Note");
    }

    [Fact]
    public async Task A_contact_whose_message_would_pass_1600_characters_is_invalid_with_the_reason_and_the_rest_are_sent()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync(Api.SmsTemplate("{A}{A}{A}"));
        var fits = new { tocontactid = "+14155550142", optin = true, contextitems = new { A = new string('x', 533) } };
        var tooLong = new { tocontactid = "+14155550143", optin = true, contextitems = new { A = new string('x', 534) } };

        var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new { contacts = new[] { fits, tooLong } }))
            .Json(HttpStatusCode.Accepted);

        var results = response["results"]!.AsArray();
        Assert.Equal("accepted", results[0]!["status"]!.GetValue<string>());
        Assert.Equal("invalid", results[1]!["status"]!.GetValue<string>());
        Assert.Contains("1600", results[1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("contextitems", results[1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
