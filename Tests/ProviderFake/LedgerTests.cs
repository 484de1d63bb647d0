using System.Net;

namespace Outbound.Tests.ProviderFake;

/// <summary><c>/_ledger</c>: every accepted message of both providers, and nothing else.</summary>
public sealed class LedgerTests : IAsyncLifetime
{
    private FakeServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task The_ledger_lists_accepted_messages_of_both_providers_and_not_rejected_ones()
    {
        var template = await _fake.SendTwilioAsync(
        [
            ("To", "whatsapp:+15551230001"), ("From", "whatsapp:+14155238886"),
            ("ContentSid", "HX" + new string('c', 32)), ("ContentVariables", """{"1":"12/1"}"""),
        ]);
        await _fake.SendTwilioAsync(FakeServer.SmsForm(to: "+15005550001"));
        await _fake.SendAcsAsync(FakeServer.AcsBody("ACS hello", recipients: [FakeServer.Recipient("+15551230002"), new { to = "bad" }]));

        var ledger = await _fake.LedgerAsync();

        Assert.Equal(HttpStatusCode.Created, template.StatusCode);
        Assert.Equal(2, ledger.Length);
        var twilio = ledger.Single(e => e.GetProperty("provider").GetString() == "twilio");
        Assert.Matches("^SM[0-9a-f]{32}$", twilio.GetProperty("messageId").GetString());
        Assert.Equal("whatsapp:+15551230001", twilio.GetProperty("to").GetString());
        Assert.Equal("whatsapp:+14155238886", twilio.GetProperty("from").GetString());
        Assert.Equal("HX" + new string('c', 32), twilio.GetProperty("contentSid").GetString());
        Assert.Equal("""{"1":"12/1"}""", twilio.GetProperty("contentVariables").GetString());
        Assert.False(twilio.TryGetProperty("body", out _));
        var acs = ledger.Single(e => e.GetProperty("provider").GetString() == "acs");
        Assert.StartsWith("Outgoing_", acs.GetProperty("messageId").GetString());
        Assert.Equal("+15551230002", acs.GetProperty("to").GetString());
        Assert.Equal("+18001110000", acs.GetProperty("from").GetString());
        Assert.Equal("ACS hello", acs.GetProperty("body").GetString());
        Assert.True(acs.GetProperty("receivedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Deleting_the_ledger_empties_it()
    {
        await _fake.SendTwilioAsync(FakeServer.SmsForm());

        var deleted = await _fake.Http.DeleteAsync("/_ledger");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task Concurrent_sends_are_all_recorded()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _fake.SendTwilioAsync(FakeServer.SmsForm(to: $"+1555{i:D7}"))));

        var ledger = await _fake.LedgerAsync();

        Assert.Equal(200, ledger.Select(e => e.GetProperty("messageId").GetString()).Distinct().Count());
    }
}
