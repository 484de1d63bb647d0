using System.Net;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Catalog;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ListingTests(OutboundSystem system)
{
    [Fact]
    public async Task Lists_page_through_every_item_in_creation_order()
    {
        var org = await system.CreateOrgAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate($"Body {i}")));
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await org.Http.GetAsync($"/v1/templates?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task A_deleted_item_leaves_the_list()
    {
        var org = await system.CreateOrgAsync();
        var kept = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var deleted = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/templates/{deleted}")).StatusCode);

        var page = await (await org.Http.GetAsync("/v1/templates")).Json(HttpStatusCode.OK);
        Assert.Equal([kept], page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
        Assert.Equal(HttpStatusCode.NotFound, (await org.Http.GetAsync($"/v1/templates/{deleted}")).StatusCode);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_paging_parameters_are_named(string query, string field)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.GetAsync($"/v1/channels?{query}")).AssertProblemNaming(field);
    }
}
