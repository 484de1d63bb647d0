using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Configurations;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConfigurationApiTests(OutboundSystem system)
{
    [Fact]
    public async Task Saving_a_configuration_generates_its_configuration_id()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());

        var first = await org.Http.PostAsJsonAsync("/v1/outbound-configurations", Api.Configuration(channel, template));
        var second = await org.Http.PostAsJsonAsync("/v1/outbound-configurations", Api.Configuration(channel, template));

        var a = (await first.Json(HttpStatusCode.Created))["configurationId"]!.GetValue<Guid>();
        var b = (await second.Json(HttpStatusCode.Created))["configurationId"]!.GetValue<Guid>();
        Assert.NotEqual(Guid.Empty, a);
        Assert.NotEqual(a, b);
        Assert.EndsWith($"/v1/outbound-configurations/{a}", first.Headers.Location!.ToString());
        var stored = await (await org.Http.GetAsync($"/v1/outbound-configurations/{a}")).Json(HttpStatusCode.OK);
        Assert.Equal(channel, stored["channelId"]!.GetValue<Guid>());
        Assert.True(stored["showInTimeline"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_channel_type_must_match_the_channels_and_the_templates()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());

        var problem = await (await org.Http.PostAsJsonAsync("/v1/outbound-configurations", Api.Configuration(channel, template, "whatsapp")))
            .AssertProblemNaming("channelId");

        Assert.True(problem["errors"]!.AsObject().ContainsKey("templateId"));
    }

    [Theory]
    [InlineData("channelType")]
    [InlineData("channelId")]
    [InlineData("templateId")]
    [InlineData("name")]
    public async Task A_configuration_missing_a_field_is_a_problem_naming_it(string field)
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var body = new Dictionary<string, object?> { ["name"] = "Case created", ["channelType"] = "sms", ["channelId"] = channel, ["templateId"] = template };
        body.Remove(field);

        await (await org.Http.PostAsJsonAsync("/v1/outbound-configurations", body)).AssertProblemNaming(field);
    }

    [Fact]
    public async Task A_configuration_renders_through_its_template()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render",
            Api.Render("en-GB", ("customername", "Ana"), ("CaseName", "CAS-1")))).Json(HttpStatusCode.OK);

        Assert.Equal("Hi Ana, case CAS-1 is open.", rendered["text"]!.GetValue<string>());
        Assert.Equal("en-US", rendered["locale"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_render_after_a_template_update_uses_the_new_version()
    {
        var org = await system.CreateOrgAsync();
        var (_, template, configuration) = await org.Http.CreateSmsSetupAsync();
        var render = Api.Render("en-US", ("CustomerName", "Ana"), ("CaseName", "CAS-1"));
        await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render", render)).Json(HttpStatusCode.OK);

        await (await org.Http.PutAsJsonAsync($"/v1/templates/{template}", Api.SmsTemplate("Update on {CaseName} for {CustomerName}"))).Json(HttpStatusCode.OK);

        var rendered = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render", render)).Json(HttpStatusCode.OK);
        Assert.Equal("Update on CAS-1 for Ana", rendered["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_template_in_use_cannot_change_its_channel_type_or_be_deleted()
    {
        var org = await system.CreateOrgAsync();
        var (_, template, _) = await org.Http.CreateSmsSetupAsync();
        var whatsApp = new
        {
            name = "t", channelType = "whatsapp", defaultLocale = "en-US",
            versions = new Dictionary<string, object> { ["en-US"] = new { contentSid = Api.ContentSid, variables = new Dictionary<string, string>() } },
        };

        await (await org.Http.PutAsJsonAsync($"/v1/templates/{template}", whatsApp)).AssertProblemNaming("channelType");
        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/templates/{template}")).StatusCode);
    }

    [Fact]
    public async Task Repointing_a_configuration_releases_its_old_template()
    {
        var org = await system.CreateOrgAsync();
        var (channel, oldTemplate, configuration) = await org.Http.CreateSmsSetupAsync();
        var newTemplate = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate("New {CustomerName}"));

        await (await org.Http.PutAsJsonAsync($"/v1/outbound-configurations/{configuration}", Api.Configuration(channel, newTemplate))).Json(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/templates/{oldTemplate}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/templates/{newTemplate}")).StatusCode);
    }
}
