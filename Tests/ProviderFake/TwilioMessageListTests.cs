using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Outbound.Tests.ProviderFake;

/// <summary>
/// The fake's Messages list (<c>GET …/Messages.json</c>): Twilio's filters, its newest-first order, paging by
/// next_page_uri, and the faults an outage brings. The fake's clock is fixed, so send dates are exact.
/// </summary>
public sealed class TwilioMessageListTests : IAsyncLifetime
{
    private const string Alice = "+15551230001";
    private const string Bob = "+15551230002";
    private const string Sender = "+15557654321";
    private const string OtherSender = "+15557654322";

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-05T10:00:00Z", CultureInfo.InvariantCulture);

    private readonly FakeTimeProvider _clock = new(Start);
    private FakeServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeServer.StartAsync(s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private async Task<string> SendAsync(string to = Alice, string from = Sender, string body = "Hello")
    {
        var response = await _fake.SendTwilioAsync(FakeServer.SmsForm(to, from, body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sid").GetString()!;
    }

    /// <summary>Sends, then lets the fake's clock run past the message's sent and delivered statuses (20 ms apart).</summary>
    private async Task<string> SendAndDeliverAsync(string to = Alice, string from = Sender, string body = "Hello")
    {
        var sid = await SendAsync(to, from, body);
        _clock.Advance(TimeSpan.FromSeconds(1));
        return sid;
    }

    private static string Query(params (string Key, string Value)[] parameters) =>
        QueryString.Create(parameters.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).ToString();

    private Task<HttpResponseMessage> ListAsync(string pathAndQuery, string user = FakeServer.AccountSid, string password = FakeServer.AuthToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = FakeServer.Basic(user, password);
        return _fake.Http.SendAsync(request);
    }

    private async Task<JsonElement> PageAsync(string pathAndQuery)
    {
        var response = await ListAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private Task<JsonElement> PageAsync(params (string Key, string Value)[] parameters) =>
        PageAsync(FakeServer.MessagesPath() + Query(parameters));

    private static string[] Sids(JsonElement page) =>
        [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("sid").GetString()!)];

    [Fact]
    public async Task The_list_filters_by_recipient_and_sender()
    {
        var wanted = await SendAndDeliverAsync(Alice, Sender);
        var otherSender = await SendAndDeliverAsync(Alice, OtherSender);
        await SendAndDeliverAsync(Bob, Sender);

        Assert.Equal([wanted], Sids(await PageAsync(("To", Alice), ("From", Sender))));
        Assert.Equal([otherSender, wanted], Sids(await PageAsync(("To", Alice))));
    }

    [Fact]
    public async Task A_whatsapp_address_matches_only_the_same_whatsapp_address()
    {
        var whatsApp = await SendAndDeliverAsync("whatsapp:" + Alice, "whatsapp:" + Sender);
        var sms = await SendAndDeliverAsync(Alice, Sender);

        Assert.Equal([whatsApp], Sids(await PageAsync(("To", "whatsapp:" + Alice))));
        Assert.Equal([sms], Sids(await PageAsync(("To", Alice))));
    }

    [Theory]
    [InlineData("DateSent>", "2026-12-06", "second")] // a date: sent on or after its midnight
    [InlineData("DateSent<", "2026-12-05", "first")] // a date: sent on or before that day, i.e. before the next midnight
    [InlineData("DateSent", "2026-12-05", "first")] // that UTC day
    [InlineData("DateSent", "2026-12-06T23:00:00Z", "second")] // the UTC day of a date-time
    [InlineData("DateSent>", "2026-12-05T10:00:00Z", "first second")] // a date-time, as the SDK writes one: on or after it
    [InlineData("DateSent>", "2026-12-05T10:00:01Z", "second")]
    [InlineData("DateSent<", "2026-12-06T10:00:00Z", "first second")] // on or before it
    [InlineData("DateSent<", "2026-12-06T09:59:59Z", "first")]
    public async Task The_list_filters_by_sent_date(string key, string value, string expected)
    {
        // Sent at 10:00:00 (.020) on 5 and 6 December.
        var first = await SendAndDeliverAsync();
        _clock.SetUtcNow(Start.AddDays(1));
        var second = await SendAndDeliverAsync();
        var names = new Dictionary<string, string> { [first] = "first", [second] = "second" };

        var page = await PageAsync(("To", Alice), (key, value));

        Assert.Equal(expected, string.Join(' ', Sids(page).Reverse().Select(s => names[s])));
    }

    [Fact]
    public async Task Sent_date_filters_combine()
    {
        await SendAndDeliverAsync();
        _clock.SetUtcNow(Start.AddDays(1));
        var second = await SendAndDeliverAsync();
        _clock.SetUtcNow(Start.AddDays(2));
        await SendAndDeliverAsync();

        Assert.Equal([second], Sids(await PageAsync(("To", Alice), ("DateSent>", "2026-12-06"), ("DateSent<", "2026-12-06"))));
    }

    [Fact]
    public async Task A_message_not_sent_yet_has_no_sent_date_so_a_sent_date_filter_leaves_it_out()
    {
        var queued = await SendAsync();

        var filtered = await PageAsync(("To", Alice), ("DateSent>", "2026-12-05"));
        var unfiltered = await PageAsync(("To", Alice));

        Assert.Empty(Sids(filtered));
        var message = Assert.Single(unfiltered.GetProperty("messages").EnumerateArray());
        Assert.Equal(queued, message.GetProperty("sid").GetString());
        Assert.Equal("queued", message.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("date_sent").ValueKind);
    }

    [Theory]
    [InlineData("DateSent>", "tomorrow")]
    [InlineData("DateSent>", "2026-13-01")]
    [InlineData("DateSent<", "2026-12-06T00.00.00Z")] // what the SDK writes under fi-FI (providers.md §1.3)
    [InlineData("DateSent", "06/11/2019 22:05:25 MST")]
    public async Task A_sent_date_that_is_not_a_date_is_a_400(string key, string value)
    {
        var response = await ListAsync(FakeServer.MessagesPath() + Query((key, value)));

        await TwilioAssert.ErrorAsync(response, 20001, 400);
    }

    [Fact]
    public async Task The_list_is_newest_first_with_the_messages_not_sent_yet_on_top()
    {
        var oldest = await SendAndDeliverAsync();
        var newer = await SendAndDeliverAsync();
        var queued = await SendAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(5)); // still queued: the fake sends 20 ms after accepting
        var queuedLater = await SendAsync();

        Assert.Equal([queuedLater, queued, newer, oldest], Sids(await PageAsync(("To", Alice))));
    }

    [Fact]
    public async Task The_page_has_the_shape_of_twilios_ListMessageResponse()
    {
        var sid = await SendAndDeliverAsync();

        var page = await PageAsync(("To", Alice), ("DateSent>", "2026-12-05"));

        Assert.Equal(
            ["end", "first_page_uri", "messages", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"],
            page.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var expectedUri = $"{FakeServer.MessagesPath()}?To=%2B15551230001&DateSent%3E=2026-12-05&PageSize=50&Page=0";
        Assert.Equal(expectedUri, page.GetProperty("uri").GetString());
        Assert.Equal(expectedUri, page.GetProperty("first_page_uri").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_page_uri").ValueKind);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("previous_page_uri").ValueKind);
        Assert.Equal((0, 50, 0, 0), (page.GetProperty("page").GetInt32(), page.GetProperty("page_size").GetInt32(), page.GetProperty("start").GetInt32(), page.GetProperty("end").GetInt32()));
        var message = Assert.Single(page.GetProperty("messages").EnumerateArray());
        Assert.Equal(sid, message.GetProperty("sid").GetString());
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        Assert.Equal("Sat, 05 Dec 2026 10:00:00 +0000", message.GetProperty("date_sent").GetString());
    }

    [Fact]
    public async Task Pages_follow_next_page_uri_until_it_is_null()
    {
        var sent = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await SendAndDeliverAsync());
        }

        var pages = new List<JsonElement>();
        var next = FakeServer.MessagesPath() + Query(("To", Alice), ("DateSent>", "2026-12-05"), ("PageSize", "2"));
        while (next is not null)
        {
            var page = await PageAsync(next);
            pages.Add(page);
            next = page.GetProperty("next_page_uri").GetString();
        }

        Assert.Equal([2, 2, 1], pages.Select(p => p.GetProperty("messages").GetArrayLength()));
        Assert.Equal(Enumerable.Reverse(sent), pages.SelectMany(Sids));
        Assert.Equal([0, 1, 2], pages.Select(p => p.GetProperty("page").GetInt32()));
        Assert.Equal([(0, 1), (2, 3), (4, 4)], pages.Select(p => (p.GetProperty("start").GetInt32(), p.GetProperty("end").GetInt32())));
        // Like the spec's example: the filters kept, the next page number, and PA + the sid of the page's last message.
        Assert.Equal(
            $"{FakeServer.MessagesPath()}?To=%2B15551230001&DateSent%3E=2026-12-05&PageSize=2&Page=1&PageToken=PA{Sids(pages[0])[1]}",
            pages[0].GetProperty("next_page_uri").GetString());
        Assert.Equal(JsonValueKind.Null, pages[0].GetProperty("previous_page_uri").ValueKind);
        Assert.Equal(
            $"{FakeServer.MessagesPath()}?To=%2B15551230001&DateSent%3E=2026-12-05&PageSize=2&Page=1&PageToken=PB{Sids(pages[2])[0]}",
            pages[2].GetProperty("previous_page_uri").GetString());
        Assert.Equal(Sids(pages[1]), Sids(await PageAsync(pages[2].GetProperty("previous_page_uri").GetString()!)));
    }

    [Fact]
    public async Task A_message_sent_while_a_client_pages_does_not_shift_the_pages_to_come()
    {
        var sent = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            sent.Add(await SendAndDeliverAsync());
        }

        var first = await PageAsync(("To", Alice), ("PageSize", "2"));
        await SendAndDeliverAsync();
        var second = await PageAsync(first.GetProperty("next_page_uri").GetString()!);

        Assert.Equal([sent[1], sent[0]], Sids(second));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    public async Task A_page_size_outside_1_to_1000_is_a_400(string pageSize)
    {
        var response = await ListAsync(FakeServer.MessagesPath() + Query(("PageSize", pageSize)));

        await TwilioAssert.ErrorAsync(response, 20001, 400);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1000")]
    public async Task A_page_size_from_1_to_1000_is_answered_as_asked(string pageSize)
    {
        var page = await PageAsync(("PageSize", pageSize));

        Assert.Equal(int.Parse(pageSize, CultureInfo.InvariantCulture), page.GetProperty("page_size").GetInt32());
    }

    [Theory]
    [InlineData("Page=1")] // Twilio: "Paged requests must include a PageToken"
    [InlineData("Page=1&PageToken=next")]
    [InlineData("Page=1&PageToken=PASM00000000000000000000000000000000")] // no such message
    public async Task A_page_without_a_token_the_fake_issued_is_a_400(string paging)
    {
        var response = await ListAsync($"{FakeServer.MessagesPath()}?{paging}");

        await TwilioAssert.ErrorAsync(response, 20001, 400);
    }

    [Theory]
    [InlineData(FakeServer.AccountSid, "wrong-token")]
    [InlineData(FakeServer.OtherAccountSid, FakeServer.OtherAuthToken)] // valid credentials, but of another account than the path's
    public async Task A_list_without_the_accounts_credentials_is_a_20003_401(string user, string password)
    {
        var response = await ListAsync(FakeServer.MessagesPath(), user, password);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await TwilioAssert.ErrorAsync(response, 20003, 401);
    }

    [Fact]
    public async Task An_account_lists_only_its_own_messages()
    {
        await SendAndDeliverAsync();

        var response = await ListAsync(FakeServer.MessagesPath(FakeServer.OtherAccountSid) + Query(("To", Alice)), FakeServer.OtherAccountSid, FakeServer.OtherAuthToken);

        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task The_retryable_fault_fails_the_list_with_a_json_5xx()
    {
        await _fake.SetFaultsAsync(new { retryable = 1.0 });

        await TwilioAssert.ErrorAsync(await ListAsync(FakeServer.MessagesPath()), 20503, 503);
    }

    [Fact]
    public async Task The_send_only_faults_leave_the_list_alone()
    {
        await _fake.SetFaultsAsync(new { throttled = 0.25, permanent = 0.25, optedOut = 0.25, timeout = 0.25, timeoutMs = 60_000 });

        var response = await ListAsync(FakeServer.MessagesPath());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_list_waits_the_configured_latency()
    {
        await _fake.SetFaultsAsync(new { latencyMs = 300 });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.OK, (await ListAsync(FakeServer.MessagesPath())).StatusCode);

        Assert.True(watch.ElapsedMilliseconds >= 290, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Clearing_the_ledger_empties_the_list()
    {
        await SendAndDeliverAsync();

        (await _fake.Http.DeleteAsync("/_ledger")).EnsureSuccessStatusCode();

        Assert.Empty(Sids(await PageAsync(("To", Alice))));
        Assert.Empty(Sids(await PageAsync()));
    }
}
