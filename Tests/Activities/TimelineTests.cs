using System.Net;

namespace Outbound.Tests.Activities;

/// <summary>Agents see, newest first, what a customer was sent through configurations shown in the timeline.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TimelineTests(OutboundSystem system)
{
    [Fact]
    public async Task A_contacts_timeline_lists_its_messages_newest_first_in_pages()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sent.AddRange(await org.Http.SendAsync(configuration, ActivityApi.Contact(to)));
        }

        // Indexing runs beside delivery: wait until all three are in (a full page that says more follow).
        var first = await Eventually.ReturnsAsync(
            () => org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline?pageSize=2"),
            page => page.MessageIds().Length == 2 && page["nextCursor"] is not null);
        var second = await org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline?pageSize=2&cursor={first["nextCursor"]}");

        Assert.Equal([sent[2], sent[1]], first.MessageIds());
        Assert.Equal([sent[0]], second.MessageIds());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task The_timeline_shows_what_was_sent_and_its_delivery_status()
    {
        var org = await system.CreateOrgAsync();
        var (_, template, configuration) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(to, regarding: "incident-42")))[0];
        await org.Http.WaitForMessageAsync(messageId, "delivered");

        var item = (await org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline"))["items"]![0]!;

        Assert.Equal(messageId, item["messageId"]!.GetValue<string>());
        Assert.Equal("delivered", item["status"]!.GetValue<string>());
        Assert.Equal("Hi Ana, case CAS-1 is open.", item["body"]!.GetValue<string>());
        Assert.Equal(template, item["templateId"]!.GetValue<Guid>());
        Assert.Equal("en-US", item["locale"]!.GetValue<string>());
        Assert.Equal("incident-42", item["entityrelationshipname"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_timeline_of_a_regarding_entity_lists_the_messages_sent_about_it()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var regarding = $"case-{Guid.NewGuid():N}/1"; // a '/' is not allowed in a table key: the index must escape it
        var ids = await org.Http.SendAsync(configuration,
            ActivityApi.Contact(ActivityApi.UniqueNumber(), regarding), ActivityApi.Contact(ActivityApi.UniqueNumber(), "other"), ActivityApi.Contact(ActivityApi.UniqueNumber(), regarding));

        var page = await Eventually.ReturnsAsync(
            () => org.Http.TimelineAsync($"/v1/timeline?regarding={Uri.EscapeDataString(regarding)}"),
            p => p.MessageIds().Length >= 2, timeoutMs: 20_000, pollMs: 100);

        Assert.Equal([ids[0], ids[2]], page.MessageIds().Order());
    }

    [Fact]
    public async Task Messages_of_a_configuration_not_shown_in_the_timeline_stay_out_of_it_but_count_in_reports()
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, shown) = await org.Http.CreateSmsSetupAsync();
        var hidden = await org.Http.CreateConfigurationAsync(channel, template, showInTimeline: false);
        var to = ActivityApi.UniqueNumber();
        var hiddenId = (await org.Http.SendAsync(hidden, ActivityApi.Contact(to)))[0];
        var shownId = (await org.Http.SendAsync(shown, ActivityApi.Contact(to)))[0];
        await org.Http.WaitForMessageAsync(hiddenId, "delivered");
        await org.Http.WaitForMessageAsync(shownId, "delivered");

        var timeline = await Eventually.ReturnsAsync(
            () => org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline"),
            p => p.MessageIds().Length > 0, timeoutMs: 20_000, pollMs: 100);
        var report = await Eventually.ReturnsAsync(() => org.Http.ReportAsync(hidden), r => r.Count("delivered") == 1, timeoutMs: 20_000, pollMs: 100);

        Assert.Equal([shownId], timeline.MessageIds());
        Assert.Equal(1, report.Count("total"));
    }

    [Theory]
    [InlineData("/v1/contacts/not-a-number/timeline", "tocontactid")]
    [InlineData("/v1/contacts/+14155550100/timeline?pageSize=0", "pageSize")]
    [InlineData("/v1/contacts/+14155550100/timeline?cursor=%25%25", "cursor")]
    [InlineData("/v1/timeline", "regarding")]
    public async Task A_bad_timeline_query_is_a_problem_naming_the_field(string path, string field)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.GetAsync(path)).AssertProblemNaming(field);
    }

    [Fact]
    public async Task An_org_never_sees_another_orgs_timeline_for_the_same_number()
    {
        var contoso = await system.CreateOrgAsync("Contoso");
        var fabrikam = await system.CreateOrgAsync("Fabrikam");
        var (_, _, configuration) = await contoso.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var messageId = (await contoso.Http.SendAsync(configuration, ActivityApi.Contact(to, "shared-case")))[0];
        await Eventually.ReturnsAsync(
            () => contoso.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline"),
            p => p.MessageIds().Length == 1, timeoutMs: 20_000, pollMs: 100);

        var contact = await fabrikam.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline");
        var regarding = await fabrikam.Http.TimelineAsync("/v1/timeline?regarding=shared-case");

        Assert.Empty(contact.MessageIds());
        Assert.Empty(regarding.MessageIds());
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.Http.GetAsync($"/v1/messages/{messageId}")).StatusCode);
    }
}
