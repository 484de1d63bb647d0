using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Providers;
using Outbound.Sending;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Providers;

/// <summary>
/// Finding a message at Twilio after a send without a clear answer: the real client, as the silo registers it,
/// against the provider fake's Messages list. The fake's clock is fixed at <see cref="T0"/>; a message is sent
/// (and delivered) once the clock moves on.
/// </summary>
public sealed class TwilioFindSentAgainstFakeTests : IAsyncLifetime
{
    private const string Recipient = "+14155550142";

    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-06T12:00:00Z", CultureInfo.InvariantCulture);

    private readonly FakeTimeProvider _clock = new(T0);
    private FakeServer _fake = null!;
    private ProviderHarness _providers = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeServer.StartAsync(s => s.AddSingleton<TimeProvider>(_clock));
        // Generous: a loaded CI machine must not turn a slow answer into a timeout.
        _providers = ProviderHarness.Create(_fake.BaseUrl, timeoutSeconds: 15);
    }

    public async Task DisposeAsync()
    {
        await _providers.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static TwilioAccount Account => new(FakeServer.AccountSid, new Secret(FakeServer.AuthToken));

    private static Channel Sms => new("sms", ChannelType.Sms, ProviderKind.Twilio, "+14155550100", null, Account, null);

    private static Channel WhatsApp => new("wa", ChannelType.WhatsApp, ProviderKind.Twilio, "whatsapp:+14155238886", ProviderTestData.MessagingServiceSid, Account, null);

    private static Channel ServiceOnly => new("svc", ChannelType.Sms, ProviderKind.Twilio, null, ProviderTestData.MessagingServiceSid, Account, null);

    private static ProviderMessage Text(string body = "Your case CAS-1 is open.") =>
        ProviderMessage.Create(Guid.NewGuid(), Recipient, body, null, null, null, T0);

    /// <summary>The attempt ran around <see cref="T0"/>: from a second before to half a minute after.</summary>
    private static SentMessageQuery Around(ProviderMessage message, TimeSpan? from = null, TimeSpan? to = null) =>
        new(message, T0 + (from ?? TimeSpan.FromSeconds(-1)), T0 + (to ?? TimeSpan.FromSeconds(30)));

    /// <summary>Sends through the client, then lets the fake's clock run past the message's sent and delivered statuses.</summary>
    private async Task<string> SendAndDeliverAsync(ProviderMessage message, Channel channel)
    {
        var outcome = await _providers.Twilio.SendAsync(message, channel, default);
        Assert.Equal(SendStatus.Accepted, outcome.Status);
        _clock.Advance(TimeSpan.FromSeconds(1));
        return outcome.ProviderMessageId!;
    }

    private Task<SentMessageSearch> FindAsync(SentMessageQuery query, Channel channel, CancellationToken cancellationToken = default) =>
        _providers.TwilioFinder.FindSentAsync(query, channel, cancellationToken);

    [Fact]
    public async Task A_sent_sms_is_found_with_its_sid_status_and_creation_time()
    {
        var message = Text();
        var sid = await SendAndDeliverAsync(message, Sms);

        var search = await FindAsync(Around(message), Sms);

        Assert.True(search.Completed);
        var found = Assert.Single(search.Matches);
        Assert.Equal(new FoundMessage(sid, new ReportedStatus(MessageStatus.Delivered, null), T0), found);
    }

    [Fact]
    public async Task A_different_body_to_the_same_number_is_not_a_match()
    {
        await SendAndDeliverAsync(Text("Your case CAS-1 is open."), Sms);

        var search = await FindAsync(Around(Text("Your case CAS-2 is open.")), Sms);

        Assert.True(search.Completed);
        Assert.Empty(search.Matches);
    }

    [Theory]
    [InlineData(60, 120)] // the window opens after the message was created
    [InlineData(-120, -60)] // it closed before
    public async Task A_message_created_outside_the_window_is_not_a_match(int fromSeconds, int toSeconds)
    {
        var message = Text();
        await SendAndDeliverAsync(message, Sms);

        var search = await FindAsync(Around(message, TimeSpan.FromSeconds(fromSeconds), TimeSpan.FromSeconds(toSeconds)), Sms);

        Assert.True(search.Completed);
        Assert.Empty(search.Matches);
    }

    [Fact]
    public async Task A_whatsapp_template_message_is_found_whatever_its_rendered_body()
    {
        var template = ProviderTestData.WhatsAppTemplate(Recipient) with { StatusCallback = null };
        var sid = await SendAndDeliverAsync(template, WhatsApp);
        // The same number over SMS is another recipient.
        await SendAndDeliverAsync(Text(), Sms);

        var search = await FindAsync(Around(template), WhatsApp);

        Assert.True(search.Completed);
        Assert.Equal(sid, Assert.Single(search.Matches).ProviderMessageId);
    }

    [Fact]
    public async Task A_channel_with_only_a_messaging_service_searches_by_recipient_alone()
    {
        var message = Text();
        var sid = await SendAndDeliverAsync(message, ServiceOnly);

        var search = await FindAsync(Around(message), ServiceOnly);

        Assert.Equal(sid, Assert.Single(search.Matches).ProviderMessageId);
    }

    [Fact]
    public async Task Every_match_in_the_window_is_returned_oldest_first()
    {
        var message = Text();
        var first = await SendAndDeliverAsync(message, Sms);
        var duplicate = await SendAndDeliverAsync(message, Sms);

        var search = await FindAsync(Around(message), Sms);

        Assert.Equal([first, duplicate], search.Matches.Select(m => m.ProviderMessageId));
        Assert.Equal([T0, T0.AddSeconds(1)], search.Matches.Select(m => m.CreatedAt));
    }

    [Fact]
    public async Task More_than_a_page_of_messages_to_the_same_number_still_finds_the_right_one()
    {
        var message = Text();
        var sid = await SendAndDeliverAsync(message, Sms);
        // 1,020 newer messages to the same number from the same sender: the one sought is on the second page of 1,000.
        for (var batch = 0; batch < 17; batch++)
        {
            await Task.WhenAll(Enumerable.Range(batch * 60, 60).Select(i =>
                _fake.SendTwilioAsync(FakeServer.SmsForm(Recipient, Sms.From!, $"Reminder {i}"))));
        }

        _clock.Advance(TimeSpan.FromSeconds(1));

        var search = await FindAsync(Around(message), Sms);

        Assert.True(search.Completed);
        Assert.Equal(sid, Assert.Single(search.Matches).ProviderMessageId);
        // Both pages were read, the second by following next_page_uri through the base-URL rewrite.
        var listCalls = _providers.Logs.GetSnapshot().Count(r =>
            r.Category == "Outbound.Grains.Providers.ProviderHttpLogger" && r.Message.Contains("GET 127.0.0.1/2010-04-01/Accounts/", StringComparison.Ordinal));
        Assert.Equal(2, listCalls);
    }

    [Fact]
    public async Task A_503_from_the_fake_leaves_the_search_incomplete()
    {
        var message = Text();
        await SendAndDeliverAsync(message, Sms);
        await _fake.SetFaultsAsync(new { retryable = 1.0 });

        var search = await FindAsync(Around(message), Sms);

        Assert.Equal(SentMessageSearch.Failed, search);
        Assert.Contains(_providers.Logs.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refused_credentials_leave_the_search_incomplete()
    {
        var message = Text();
        var wrongToken = Sms with { Twilio = new TwilioAccount(FakeServer.AccountSid, new Secret("not-the-token")) };

        var search = await FindAsync(Around(message), wrongToken);

        Assert.False(search.Completed);
    }

    [Fact]
    public async Task A_cancelled_search_is_incomplete_rather_than_an_exception()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var search = await FindAsync(Around(Text()), Sms, cancel.Token);

        Assert.Equal(SentMessageSearch.Failed, search);
    }
}
