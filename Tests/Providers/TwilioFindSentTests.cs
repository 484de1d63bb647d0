using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Outbound.Providers;
using Outbound.Sending;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>
/// The Messages list request the Twilio client makes to find a message, and how it reads the answer: what matches,
/// when it stops paging, and what a failure gives.
/// </summary>
public sealed class TwilioFindSentTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-12-06T23:59:30.250Z", CultureInfo.InvariantCulture);

    private StubServer _stub = null!;
    private ProviderHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _stub = await StubServer.StartAsync();
        _stub.RespondWith(200, TwilioListPage(null));
        _harness = ProviderHarness.Create(_stub.Url, timeoutSeconds: 3);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _stub.DisposeAsync();
    }

    private static SentMessageQuery Around(ProviderMessage message) => new(message, From, From.AddMinutes(1));

    private Task<SentMessageSearch> FindAsync(SentMessageQuery query, Outbound.Channels.Channel? channel = null) =>
        _harness.TwilioFinder.FindSentAsync(query, channel ?? TwilioSms(), CancellationToken.None);

    internal static Dictionary<string, string> Query(CapturedRequest request) =>
        QueryHelpers.ParseQuery(request.PathAndQuery[request.PathAndQuery.IndexOf('?', StringComparison.Ordinal)..])
            .ToDictionary(p => p.Key, p => p.Value.ToString());

    [Fact]
    public async Task The_search_lists_the_recipients_messages_from_the_channels_sender_since_the_windows_day()
    {
        var search = await FindAsync(Around(Sms()));

        Assert.True(search.Completed);
        Assert.Empty(search.Matches);
        var request = Assert.Single(_stub.Requests);
        Assert.Equal("GET", request.Method);
        Assert.StartsWith($"/2010-04-01/Accounts/{AccountSid}/Messages.json?", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal($"Basic {BasicCredentials}", request.Header("Authorization"));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["To"] = "+15551234567",
                ["From"] = "+15005550006",
                // The UTC day of the window's start, as the SDK writes a date: midnight.
                ["DateSent>"] = "2026-12-06T00:00:00Z",
                ["PageSize"] = "1000",
            },
            Query(request));
    }

    [Fact]
    public async Task A_whatsapp_search_filters_by_the_prefixed_addresses()
    {
        await FindAsync(Around(WhatsAppTemplate()), TwilioWhatsApp());

        var query = Query(Assert.Single(_stub.Requests));
        Assert.Equal(("whatsapp:+15551234567", "whatsapp:+14155238886"), (query["To"], query["From"]));
    }

    [Fact]
    public async Task A_match_is_an_outbound_api_message_with_the_same_body_created_in_the_window()
    {
        var message = Sms();
        _stub.RespondWith(200, TwilioListPage(
            null,
            TwilioListed(Sid(1), message.Body, From.AddSeconds(5), From.AddSeconds(6), "undelivered", errorCode: 30003),
            TwilioListed(Sid(2), message.Body, From.AddSeconds(4), From.AddSeconds(6), "received", direction: "inbound"),
            TwilioListed(Sid(3), message.Body + " ", From.AddSeconds(3), From.AddSeconds(6)),
            TwilioListed(Sid(4), message.Body, From.AddMinutes(2), From.AddMinutes(2)),
            // Created in the window's first second: Twilio's whole seconds show it before From's quarter second.
            TwilioListed(Sid(5), message.Body, From, From, "queued")));

        var search = await FindAsync(Around(message));

        Assert.True(search.Completed);
        var wholeSecond = From.AddTicks(-From.Ticks % TimeSpan.TicksPerSecond);
        FoundMessage[] expected =
        [
            new(Sid(5), null, wholeSecond),
            new(Sid(1), new ReportedStatus(MessageStatus.Undelivered, "30003"), wholeSecond.AddSeconds(5)),
        ];
        Assert.Equal(expected, search.Matches.ToArray());
    }

    [Fact]
    public async Task The_search_stops_at_the_first_message_sent_before_the_window()
    {
        var message = Sms();
        _stub.RespondWith(200, TwilioListPage(
            $"/2010-04-01/Accounts/{AccountSid}/Messages.json?PageSize=1000&Page=1&PageToken=PA{Sid(2)}",
            TwilioListed(Sid(1), message.Body, From.AddSeconds(1), From.AddSeconds(2)),
            TwilioListed(Sid(2), message.Body, From.AddSeconds(-5), From.AddSeconds(-1))));

        var search = await FindAsync(Around(message));

        Assert.True(search.Completed);
        Assert.Equal(Sid(1), Assert.Single(search.Matches).ProviderMessageId);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task The_search_follows_next_page_uri_and_reads_at_most_10000_messages()
    {
        var message = Sms();
        var pages = 0;
        _stub.Respond = async (context, _) =>
        {
            // Pages of 1,000 messages not sent yet, all in the window, and always another page.
            var page = Interlocked.Increment(ref pages);
            var listed = Enumerable.Range(page * 1000, 1000)
                .Select(i => TwilioListed(Sid(i), i == 1500 ? message.Body : $"other {i}", From.AddSeconds(1), null, "queued"))
                .ToArray();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(TwilioListPage($"/2010-04-01/Accounts/{AccountSid}/Messages.json?PageSize=1000&Page={page}&PageToken=PA{Sid((page * 1000) + 999)}", listed));
        };

        var search = await FindAsync(Around(message));

        Assert.False(search.Completed);
        // What was found before the cap is kept.
        Assert.Equal(Sid(1500), Assert.Single(search.Matches).ProviderMessageId);
        Assert.Equal(10, _stub.Requests.Count);
        Assert.Equal($"PA{Sid(1999)}", Query(_stub.Requests[1])["PageToken"]);
        Assert.Contains(_harness.Logs.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("stopped after 10000 messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Searches_for_messages_to_one_recipient_share_one_reading_of_the_list()
    {
        var first = Sms() with { Body = "first" };
        var second = Sms() with { Body = "second" };
        _stub.RespondWith(200, TwilioListPage(
            null,
            TwilioListed(Sid(2), "second", From.AddSeconds(3), From.AddSeconds(4)),
            TwilioListed(Sid(1), "first", From.AddSeconds(1), From.AddSeconds(2))));

        var searches = await _harness.TwilioFinder.FindSentAsync([Around(first), Around(second)], TwilioSms(), CancellationToken.None);

        Assert.Equal([Sid(1), Sid(2)], searches.Select(s => Assert.Single(s.Matches).ProviderMessageId));
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task The_specs_example_page_is_read_and_its_next_page_uri_followed()
    {
        // readFullPage1 of Twilio's spec: an outbound "testing" sent 2019-05-24 17:44:50, an inbound after it, a next page.
        using var spec = JsonDocument.Parse(await File.ReadAllTextAsync(ProviderTestPaths.TwilioApiSpec));
        var example = spec.RootElement.GetProperty("paths").GetProperty("/2010-04-01/Accounts/{AccountSid}/Messages.json")
            .GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("examples").GetProperty("readFullPage1").GetProperty("value").GetRawText();
        _stub.Respond = async (context, request) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(request.PathAndQuery.Contains("PageToken", StringComparison.Ordinal) ? TwilioListPage(null) : example);
        };
        var sentAt = DateTimeOffset.Parse("2019-05-24T17:44:46Z", CultureInfo.InvariantCulture);
        var message = Sms(body: "testing");

        var search = await FindAsync(new SentMessageQuery(message, sentAt.AddMinutes(-1), sentAt.AddMinutes(1)));

        Assert.True(search.Completed);
        Assert.Equal(new FoundMessage("SMded05904ccb347238880ca9264e8fe1c", new ReportedStatus(MessageStatus.Sent, null), sentAt), Assert.Single(search.Matches));
        Assert.Equal(2, _stub.Requests.Count);
        var next = Query(_stub.Requests[1]);
        Assert.Equal(("2008-01-02", "PAMMc26223853f8c46b4ab7dfaa6abba0a26"), (next["DateSent>"], next["PageToken"]));
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", _stub.Requests[1].PathAndQuery[.._stub.Requests[1].PathAndQuery.IndexOf('?', StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task A_twilio_error_leaves_the_search_incomplete()
    {
        _stub.RespondWith(401, TwilioError(20003, 401, "Authenticate"));

        Assert.Equal(SentMessageSearch.Failed, await FindAsync(Around(Sms())));
    }

    [Fact]
    public async Task An_answer_that_is_not_a_list_page_leaves_the_search_incomplete()
    {
        _stub.Respond = async (context, _) => await context.Response.WriteAsync("<html>maintenance</html>");

        Assert.Equal(SentMessageSearch.Failed, await FindAsync(Around(Sms())));
    }

    [Fact]
    public async Task A_timeout_leaves_the_search_incomplete()
    {
        _stub.Respond = (context, _) => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        await using var impatient = ProviderHarness.Create(_stub.Url, timeoutSeconds: 1);

        var search = await impatient.TwilioFinder.FindSentAsync(Around(Sms()), TwilioSms(), CancellationToken.None);

        Assert.Equal(SentMessageSearch.Failed, search);
    }

    [Fact]
    public async Task A_channel_without_credentials_is_not_searched()
    {
        var search = await FindAsync(Around(Sms()), TwilioSms() with { Twilio = null });

        Assert.Equal(SentMessageSearch.Failed, search);
        Assert.Empty(_stub.Requests);
    }
}
