using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Events;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Triggers;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TriggerApiTests(OutboundSystem system)
{
    [Fact]
    public async Task A_trigger_is_created_read_replaced_listed_and_deleted()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var filter = new object[] { new { path = "/priority", equals = "high" }, new { path = "/customer/phone", exists = true } };

        var id = await org.Http.CreateTriggerAsync(Events.Events.CaseCreatedTrigger(configuration, filter, "PT30M"));
        var read = await (await org.Http.GetAsync($"/v1/triggers/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("case.created", read["eventType"]!.GetValue<string>());
        Assert.Equal("PT30M", read["delay"]!.GetValue<string>());
        Assert.Equal("high", read["filter"]![0]!["equals"]!.GetValue<string>());
        Assert.Equal("/customer/phone", read["contact"]!["tocontactid"]!.GetValue<string>());

        var replaced = await (await org.Http.PutAsJsonAsync($"/v1/triggers/{id}", Events.Events.CaseCreatedTrigger(configuration))).Json(HttpStatusCode.OK);
        Assert.Equal(2, replaced["version"]!.GetValue<int>());
        Assert.Null(replaced["delay"]);
        var list = await (await org.Http.GetAsync("/v1/triggers")).Json(HttpStatusCode.OK);
        Assert.Equal(id, list["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/triggers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/triggers/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_deleted_trigger_no_longer_runs_on_events()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var id = await org.Http.CreateTriggerAsync(Events.Events.CaseCreatedTrigger(configuration));
        await org.Http.DeleteAsync($"/v1/triggers/{id}");
        var eventId = $"evt-{Guid.NewGuid():N}";

        await (await org.Http.PostEventsAsync(Events.Events.Single, Events.Events.CaseCreated(eventId))).Json(HttpStatusCode.Accepted);

        var tracked = await (await org.Http.GetAsync($"/v1/events/{eventId}")).Json(HttpStatusCode.OK);
        Assert.Empty(tracked["triggers"]!.AsArray());
    }

    [Theory]
    [InlineData("name")]
    [InlineData("eventType")]
    [InlineData("configurationId")]
    [InlineData("contact")]
    [InlineData("contact.tocontactid")]
    [InlineData("contact.optin")]
    [InlineData("contact.contextitems.CaseName")]
    [InlineData("filter[0].path")]
    [InlineData("filter[0]")]
    [InlineData("filter[0].equals")]
    [InlineData("delay")]
    public async Task A_bad_trigger_is_refused_naming_the_field(string field)
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var contact = new Dictionary<string, object?> { ["tocontactid"] = "/customer/phone", ["contextitems"] = new Dictionary<string, string> { ["CaseName"] = "/caseName" } };
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Case created", ["eventType"] = "case.created", ["configurationId"] = configuration, ["contact"] = contact,
        };
        switch (field)
        {
            case "name": body["name"] = ""; break;
            case "eventType": body.Remove("eventType"); break;
            case "configurationId": body["configurationId"] = Guid.NewGuid(); break;
            case "contact": body.Remove("contact"); break;
            case "contact.tocontactid": contact["tocontactid"] = "customer/phone"; break;
            case "contact.optin": contact["optin"] = "/a~2b"; break;
            case "contact.contextitems.CaseName": contact["contextitems"] = new Dictionary<string, string> { ["CaseName"] = "caseName" }; break;
            case "filter[0].path": body["filter"] = new object[] { new { path = "priority", equals = "high" } }; break;
            case "filter[0]": body["filter"] = new object[] { new { path = "/priority", equals = "high", exists = true } }; break;
            case "filter[0].equals": body["filter"] = new object[] { new { path = "/priority", equals = new { nested = 1 } } }; break;
            case "delay": body["delay"] = "30 minutes"; break;
        }

        var response = await org.Http.PostAsJsonAsync("/v1/triggers", body);

        await response.AssertProblemNaming(field);
    }
}
