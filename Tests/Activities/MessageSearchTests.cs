using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Outbound.Activities;
using Outbound.Grains.Activities;

namespace Outbound.Tests.Activities;

/// <summary>Admins find messages by number, status, configuration and time, newest first and a page at a time.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MessageSearchTests(OutboundSystem system)
{
    private static async Task<JsonObject> SearchAsync(HttpClient http, string query = "") =>
        await (await http.GetAsync($"/v1/messages?pageSize=100{query}")).Json(HttpStatusCode.OK);

    private static string[] Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["messageId"]!.GetValue<string>())];

    /// <summary>Searches until the page lists <paramref name="expected"/> messages (a request is indexed at its first delivery round).</summary>
    private static Task<JsonObject> SearchUntilAsync(HttpClient http, string query, int expected) =>
        Eventually.ReturnsAsync(() => SearchAsync(http, query), page => page["items"]!.AsArray().Count == expected, timeoutMs: 20_000, pollMs: 100);

    [Fact]
    public async Task A_search_lists_the_orgs_messages_newest_first_with_their_number_configuration_and_status()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var (first, second) = (ActivityApi.UniqueNumber(), ActivityApi.UniqueNumber());
        var older = (await org.Http.SendAsync(configuration, ActivityApi.Contact(first)))[0];
        var newer = (await org.Http.SendAsync(configuration, ActivityApi.Contact(second)))[0];
        var delivered = await org.Http.WaitForMessageAsync(newer, "delivered");
        await org.Http.WaitForMessageAsync(older, "delivered");

        var page = await Eventually.ReturnsAsync(
            () => SearchAsync(org.Http),
            p => p["items"]!.AsArray().Count == 2 && p["items"]!.AsArray().All(i => i!["status"]!.GetValue<string>() == "delivered"),
            timeoutMs: 20_000, pollMs: 100);

        Assert.Equal([newer, older], Ids(page));
        var row = page["items"]![0]!;
        Assert.Equal(second, row["toContactId"]!.GetValue<string>());
        Assert.Equal(configuration, row["configurationId"]!.GetValue<Guid>());
        Assert.Equal("sms", row["channelType"]!.GetValue<string>());
        Assert.Equal(delivered["acceptedAt"]!.GetValue<DateTimeOffset>(), row["acceptedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(delivered["updatedAt"]!.GetValue<DateTimeOffset>(), row["updatedAt"]!.GetValue<DateTimeOffset>());
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task The_time_window_keeps_only_the_messages_accepted_in_it()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var older = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        var newer = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        var newerAcceptedAt = (await org.Http.WaitForMessageAsync(newer, "delivered"))["acceptedAt"]!.GetValue<DateTimeOffset>();
        await SearchUntilAsync(org.Http, "", 2);

        var until = Uri.EscapeDataString(newerAcceptedAt.ToString("O"));
        var before = await SearchAsync(org.Http, $"&until={until}");
        var since = await SearchAsync(org.Http, $"&from={until}");

        Assert.Equal([older], Ids(before));
        Assert.Equal([newer], Ids(since));
    }

    [Fact]
    public async Task A_status_filter_finds_only_the_messages_in_that_status()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        // The provider fake refuses this number (Twilio's 21211, not a valid number).
        var ids = await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()), ActivityApi.Contact("+15005550001"));
        await org.Http.WaitForMessageAsync(ids[0], "delivered");
        await org.Http.WaitForMessageAsync(ids[1], "failed");
        await SearchUntilAsync(org.Http, "", 2);

        var failed = await SearchAsync(org.Http, "&status=failed");
        var delivered = await SearchAsync(org.Http, "&status=delivered");

        Assert.Equal([ids[1]], Ids(failed));
        Assert.Equal("21211", failed["items"]![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal([ids[0]], Ids(delivered));
    }

    [Fact]
    public async Task A_configuration_filter_finds_only_that_configurations_messages()
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, configuration) = await org.Http.CreateSmsSetupAsync();
        var other = await org.Http.CreateConfigurationAsync(channel, template, showInTimeline: false);
        var mine = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        var theirs = (await org.Http.SendAsync(other, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        await SearchUntilAsync(org.Http, "", 2);

        Assert.Equal([mine], Ids(await SearchAsync(org.Http, $"&configurationId={configuration}")));
        Assert.Equal([theirs], Ids(await SearchAsync(org.Http, $"&configurationId={other}")));
    }

    [Fact]
    public async Task A_number_finds_the_messages_sent_to_it_through_a_configuration_shown_in_the_timeline()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var (customer, someoneElse) = (ActivityApi.UniqueNumber(), ActivityApi.UniqueNumber());
        var first = (await org.Http.SendAsync(configuration, ActivityApi.Contact(customer), ActivityApi.Contact(someoneElse)))[0];
        var second = (await org.Http.SendAsync(configuration, ActivityApi.Contact(customer)))[0];

        var page = await SearchUntilAsync(org.Http, $"&number={Uri.EscapeDataString(customer)}", 2);

        Assert.Equal([second, first], Ids(page));
        Assert.All(page["items"]!.AsArray(), i => Assert.Equal(customer, i!["toContactId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Paging_with_the_cursor_lists_every_message_once_newest_request_first_even_across_a_request()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var oldest = await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()));
        var middle = await org.Http.SendAsync(configuration, [.. Enumerable.Range(0, 3).Select(_ => ActivityApi.Contact(ActivityApi.UniqueNumber()))]);
        var newest = await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()));
        await SearchUntilAsync(org.Http, "", 5);

        var listed = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await org.Http.GetAsync($"/v1/messages?pageSize=2{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
            listed.AddRange(Ids(page));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal([.. newest, .. middle, .. oldest], listed);
    }

    [Fact]
    public async Task A_busy_stretch_of_requests_between_two_matches_is_paged_through_without_losing_either()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var older = (await org.Http.SendAsync(configuration, ActivityApi.Contact("+15005550001")))[0];
        var olderAcceptedAt = (await org.Http.WaitForMessageAsync(older, "failed"))["acceptedAt"]!.GetValue<DateTimeOffset>();
        // More requests than one time window reads at once, all delivered: a search for failed messages passes
        // them over by their counts, and must narrow its windows to get through them.
        var batches = new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient(ActivityTables.BatchesTable);
        var busy = Enumerable.Range(1, 600).Select(i => BatchRow.For(
            org.OrgId, Guid.NewGuid(), configuration, olderAcceptedAt.AddTicks(i), new StatusCounts(0, 0, 0, 1, 0, 0, 0, 0), settled: true));
        foreach (var chunk in busy.Chunk(100))
        {
            await batches.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r, ETag.All)));
        }

        var newer = (await org.Http.SendAsync(configuration, ActivityApi.Contact("+15005550001")))[0];
        await org.Http.WaitForMessageAsync(newer, "failed");
        await SearchUntilAsync(org.Http, "&status=failed", 2);

        var listed = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await org.Http.GetAsync($"/v1/messages?status=failed&pageSize=1{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
            listed.AddRange(Ids(page));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 20);

        Assert.Equal([newer, older], listed);
        Assert.Null(cursor);
    }

    [Fact]
    public async Task Another_orgs_messages_are_never_found()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        await org.Http.SendAsync(configuration, ActivityApi.Contact(to));
        await SearchUntilAsync(org.Http, "", 1);
        var stranger = await system.CreateOrgAsync("Fabrikam");

        Assert.Empty(Ids(await SearchAsync(stranger.Http)));
        Assert.Empty(Ids(await SearchAsync(stranger.Http, $"&number={Uri.EscapeDataString(to)}")));
        Assert.Empty(Ids(await SearchAsync(stranger.Http, $"&configurationId={configuration}")));
    }

    [Theory]
    [InlineData("status=received", "status")]
    [InlineData("status=DELIVERED", "status")]
    [InlineData("number=4155550100", "number")]
    [InlineData("from=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", "from")]
    [InlineData("from=2026-01-01T00:00:00Z&until=2026-12-01T00:00:00Z", "from")]
    [InlineData("until=yesterday", "until")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task A_search_it_cannot_answer_is_a_problem_naming_the_field(string query, string field)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.GetAsync($"/v1/messages?{query}")).AssertProblemNaming(field);
    }

    [Fact]
    public async Task A_send_key_cannot_search_the_orgs_messages()
    {
        var org = await system.CreateOrgAsync();
        var sendKey = (await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Sender", scope = "send" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();
        using var sender = system.WithBearer(sendKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync("/v1/messages")).StatusCode);
    }
}
