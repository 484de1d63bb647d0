using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Catalog;

/// <summary>Org B must not see, change or use anything of org A's: to B, A's ids do not exist.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TenantIsolationTests(OutboundSystem system)
{
    [Theory]
    [InlineData("/v1/channels/{0}")]
    [InlineData("/v1/templates/{1}")]
    [InlineData("/v1/outbound-configurations/{2}")]
    public async Task Another_orgs_item_is_not_found(string route)
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        var (channel, template, configuration) = await a.Http.CreateSmsSetupAsync();
        var path = string.Format(route, channel, template, configuration);

        Assert.Equal(HttpStatusCode.NotFound, (await b.Http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Http.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.Http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Another_org_cannot_replace_an_item()
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        var template = await a.Http.CreateAsync("/v1/templates", Api.SmsTemplate("Original"));

        var response = await b.Http.PutAsJsonAsync($"/v1/templates/{template}", Api.SmsTemplate("Hijacked"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var stored = await (await a.Http.GetAsync($"/v1/templates/{template}")).Json(HttpStatusCode.OK);
        Assert.Equal("Original", stored["versions"]!["en-US"]!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lists_show_only_the_callers_items()
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        await a.Http.CreateSmsSetupAsync();

        foreach (var kind in new[] { "channels", "templates", "outbound-configurations" })
        {
            var page = await (await b.Http.GetAsync($"/v1/{kind}")).Json(HttpStatusCode.OK);
            Assert.Empty(page["items"]!.AsArray());
        }
    }

    [Fact]
    public async Task A_configuration_cannot_bind_another_orgs_channel_or_template()
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        var (channel, template, _) = await a.Http.CreateSmsSetupAsync();

        var response = await b.Http.PostAsJsonAsync("/v1/outbound-configurations", Api.Configuration(channel, template));

        var problem = await response.AssertProblemNaming("channelId");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("templateId"));
    }

    [Fact]
    public async Task Another_org_cannot_render_through_a_configuration()
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        var (_, template, configuration) = await a.Http.CreateSmsSetupAsync();
        var render = Api.Render("en-US", ("CustomerName", "Ana"), ("CaseName", "CAS-1"));

        Assert.Equal(HttpStatusCode.NotFound, (await b.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render", render)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Http.PostAsJsonAsync($"/v1/templates/{template}/render", render)).StatusCode);
    }
}
