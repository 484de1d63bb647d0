using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outbound.Configurations;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Configurations;

/// <summary>Outbound configurations are active or inactive, as in the reference's "Active Outbound Configurations" list.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ActiveConfigurationTests(OutboundSystem system)
{
    private static object Configuration(Guid channel, Guid template, bool? active) => new
    {
        name = "Case created", channelType = "sms", channelId = channel, templateId = template, active,
    };

    private static object Send() => new
    {
        contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new { CustomerName = "Ana", CaseName = "CAS-1" } } },
    };

    [Fact]
    public async Task A_configuration_is_active_unless_created_or_updated_as_inactive()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());

        var byDefault = await (await org.Http.PostAsJsonAsync("/v1/outbound-configurations", Configuration(channel, template, null))).Json(HttpStatusCode.Created);
        var inactive = await (await org.Http.PostAsJsonAsync("/v1/outbound-configurations", Configuration(channel, template, false))).Json(HttpStatusCode.Created);
        var id = inactive["configurationId"]!.GetValue<Guid>();
        var activated = await (await org.Http.PutAsJsonAsync($"/v1/outbound-configurations/{id}", Configuration(channel, template, true))).Json(HttpStatusCode.OK);

        Assert.True(byDefault["active"]!.GetValue<bool>());
        Assert.False(inactive["active"]!.GetValue<bool>());
        Assert.True(activated["active"]!.GetValue<bool>());
        Assert.True((await (await org.Http.GetAsync($"/v1/outbound-configurations/{id}")).Json(HttpStatusCode.OK))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_list_filters_by_active()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var active = new[]
        {
            await org.Http.CreateAsync("/v1/outbound-configurations", Configuration(channel, template, true), "configurationId"),
            await org.Http.CreateAsync("/v1/outbound-configurations", Configuration(channel, template, null), "configurationId"),
        };
        var inactive = await org.Http.CreateAsync("/v1/outbound-configurations", Configuration(channel, template, false), "configurationId");

        var activeOnes = await ListAsync(org, "?active=true");
        var inactiveOnes = await ListAsync(org, "?active=false");
        var all = await ListAsync(org, "");

        Assert.Equal(active, activeOnes);
        Assert.Equal([inactive], inactiveOnes);
        Assert.Equal([.. active, inactive], all);
    }

    [Fact]
    public async Task A_filtered_list_pages_through_every_match()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var active = new List<Guid>();
        foreach (var isActive in new[] { true, false, false, true, false, true })
        {
            var id = await org.Http.CreateAsync("/v1/outbound-configurations", Configuration(channel, template, isActive), "configurationId");
            if (isActive)
            {
                active.Add(id);
            }
        }

        var first = await (await org.Http.GetAsync("/v1/outbound-configurations?active=true&limit=2")).Json(HttpStatusCode.OK);
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await (await org.Http.GetAsync($"/v1/outbound-configurations?active=true&limit=2&cursor={cursor}")).Json(HttpStatusCode.OK);

        Assert.Equal(active, [.. Ids(first), .. Ids(second)]);
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task A_send_to_an_inactive_configuration_is_a_conflict_until_it_is_active_again()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var configuration = await org.Http.CreateAsync("/v1/outbound-configurations", Configuration(channel, template, false), "configurationId");

        var refused = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send());
        var problem = await refused.Json(HttpStatusCode.Conflict);
        await (await org.Http.PutAsJsonAsync($"/v1/outbound-configurations/{configuration}", Configuration(channel, template, true))).Json(HttpStatusCode.OK);
        var accepted = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Send());

        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("inactive", problem["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public void A_configuration_stored_before_the_flag_existed_reads_as_active()
    {
        var stored = $$"""{"Name":"Case created","ShowInTimeline":false,"ChannelType":0,"ChannelId":"{{Guid.NewGuid()}}","TemplateId":"{{Guid.NewGuid()}}"}""";

        var configuration = JsonSerializer.Deserialize<OutboundConfiguration>(stored)!;

        Assert.False(configuration.Inactive);
    }

    private static async Task<Guid[]> ListAsync(OrgClient org, string query) =>
        Ids(await (await org.Http.GetAsync($"/v1/outbound-configurations{query}")).Json(HttpStatusCode.OK));

    private static Guid[] Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["configurationId"]!.GetValue<Guid>())];
}
