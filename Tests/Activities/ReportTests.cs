using System.Net;
using System.Text.Json;

namespace Outbound.Tests.Activities;

/// <summary>Admins see what was delivered and what failed, per hour or day and per recipient.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ReportTests(OutboundSystem system)
{
    [Fact]
    public async Task After_a_run_with_injected_failures_the_report_matches_what_the_provider_accepted()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var numbers = Enumerable.Range(0, 40).Select(_ => ActivityApi.UniqueNumber()).Distinct().ToArray();
        await system.Providers.SetFaultsAsync(new { permanent = 0.25, retryable = 0.2, seed = 7 });
        string[] ids;
        try
        {
            ids = await org.Http.SendAsync(configuration, [.. numbers.Select(n => ActivityApi.Contact(n))]);
            foreach (var id in ids)
            {
                await org.Http.WaitForMessageAsync(id, "delivered", "failed");
            }
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }

        var ledger = (await system.Providers.LedgerAsync()).Where(e => numbers.Contains(e.GetProperty("to").GetString())).ToList();
        var report = await Eventually.ReturnsAsync(
            () => org.Http.ReportAsync(configuration),
            r => r.Count("delivered") + r.Count("failed") == ids.Length, timeoutMs: 20_000, pollMs: 100);

        Assert.Equal(ids.Length, report.Count("total"));
        Assert.Equal(ledger.Count, report.Count("delivered"));
        Assert.Equal(ids.Length - ledger.Count, report.Count("failed"));
        Assert.InRange(report.Count("failed"), 1, ids.Length - 1); // the faults did happen, and not to everything
    }

    [Fact]
    public async Task The_hourly_report_puts_a_delivered_message_in_the_hour_it_was_accepted()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        var accepted = (await org.Http.WaitForMessageAsync(messageId, "delivered"))["acceptedAt"]!.GetValue<DateTimeOffset>();

        var report = await Eventually.ReturnsAsync(() => org.Http.ReportAsync(configuration), r => r.Count("delivered") == 1, timeoutMs: 20_000, pollMs: 100);

        var bucket = Assert.Single(report["buckets"]!.AsArray())!;
        Assert.Equal(new DateTimeOffset(accepted.UtcDateTime.Date.AddHours(accepted.UtcDateTime.Hour), TimeSpan.Zero), bucket["start"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, bucket["counts"]!["delivered"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_recipients_report_is_a_csv_row_per_message_with_its_status_and_times()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(to), new { tocontactid = "+15005550001", optin = true, contextitems = new { CustomerName = "B", CaseName = "C" } }))[0];
        await org.Http.WaitForMessageAsync(messageId, "delivered");

        var response = await org.Http.GetAsync($"/v1/reports/outbound/recipients?configurationId={configuration}");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("messageId,tocontactid,status,errorCode,providerMessageId,acceptedAt,sentAt,finalAt,updatedAt", lines[0]);
        var delivered = lines.Single(l => l.StartsWith(messageId, StringComparison.Ordinal)).Split(',');
        Assert.Equal([$"\"{to}\"", "delivered", ""], delivered[1..4]); // quoted, so a spreadsheet keeps the +
        Assert.StartsWith("SM", delivered[4]);
        Assert.All(delivered[5..], time => Assert.True(DateTimeOffset.TryParse(time, out _), time));
        var rejected = lines.Single(l => l.Contains("+15005550001", StringComparison.Ordinal)).Split(',');
        Assert.Equal(["failed", "21211"], rejected[2..4]);
    }

    [Fact]
    public async Task The_recipients_report_pages_through_many_requests_with_every_message_once()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var ids = new List<string>();
        for (var i = 0; i < 45; i++) // more than two pages of requests
        {
            ids.AddRange(await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())));
        }

        var rows = await Eventually.ReturnsAsync(
            async () => (await org.Http.GetStringAsync($"/v1/reports/outbound/recipients?configurationId={configuration}"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList(),
            r => r.Count >= ids.Count, timeoutMs: 20_000, pollMs: 200);

        Assert.Equal(ids.Order(), rows.Order());
    }

    [Fact]
    public async Task An_org_never_sees_another_orgs_messages_in_its_reports()
    {
        var contoso = await system.CreateOrgAsync("Contoso");
        var fabrikam = await system.CreateOrgAsync("Fabrikam");
        var (_, _, configuration) = await contoso.Http.CreateSmsSetupAsync();
        var messageId = (await contoso.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        await contoso.Http.WaitForMessageAsync(messageId, "delivered");
        await Eventually.ReturnsAsync(() => contoso.Http.ReportAsync(configuration), r => r.Count("total") == 1, timeoutMs: 20_000, pollMs: 100);

        var byConfiguration = await fabrikam.Http.ReportAsync(configuration);
        var all = await (await fabrikam.Http.GetAsync("/v1/reports/outbound")).Json(HttpStatusCode.OK);
        var csv = await fabrikam.Http.GetStringAsync("/v1/reports/outbound/recipients");

        Assert.Equal(0, byConfiguration.Count("total"));
        Assert.Equal(0, all.Count("total"));
        Assert.DoesNotContain(messageId, csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interval=week", "interval")]
    [InlineData("configurationId=42", "configurationId")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-29T00:00:00Z&to=2026-11-28T00:00:00Z", "from")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-11-28T00:00:00Z&interval=hour", "to")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-04-04T00:00:00Z&interval=day", "to")] // 93 days
    public async Task A_bad_report_query_is_a_problem_naming_the_field(string query, string field)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.GetAsync($"/v1/reports/outbound?{query}")).AssertProblemNaming(field);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to")] // 59 days of recipients
    public async Task A_bad_recipients_query_is_a_problem_naming_the_field(string query, string field)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.GetAsync($"/v1/reports/outbound/recipients?{query}")).AssertProblemNaming(field);
    }

    [Fact]
    public async Task The_recipients_report_is_paged_by_limit_and_the_link_to_the_next_page_lists_every_message_once()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var ids = new List<string>();
        ids.AddRange(await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()), ActivityApi.Contact(ActivityApi.UniqueNumber()), ActivityApi.Contact(ActivityApi.UniqueNumber())));
        ids.AddRange(await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber()), ActivityApi.Contact(ActivityApi.UniqueNumber())));
        await Eventually.ReturnsAsync(
            async () => (await org.Http.GetStringAsync($"/v1/reports/outbound/recipients?configurationId={configuration}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
            lines => lines == ids.Count + 1, timeoutMs: 20_000, pollMs: 200);

        var listed = new List<string>();
        var pages = 0;
        string? next = $"/v1/reports/outbound/recipients?configurationId={configuration}&limit=2";
        while (next is not null)
        {
            var response = await org.Http.GetAsync(next);
            response.EnsureSuccessStatusCode();
            var rows = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            Assert.InRange(rows.Count, 0, 2);
            listed.AddRange(rows.Select(r => r.Split(',')[0]));
            pages++;
            next = response.Headers.TryGetValues("Link", out var links)
                ? links.Single().Split(';')[0].Trim('<', '>', ' ')
                : null;
        }

        Assert.Equal(ids.Order(), listed.Order());
        Assert.Equal(3, pages); // 2 + 2 + 1: a page may end inside a request
    }
}
