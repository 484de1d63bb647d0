using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Providers;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Providers;

/// <summary>
/// The real clients, as the silo registers them, against the provider fake that <c>./run.sh</c> starts:
/// what each provider answer means for the sender (accepted, retry, give up, opted out, unknown).
/// </summary>
public sealed class ProvidersAgainstFakeTests : IAsyncLifetime
{
    private FakeServer _fake = null!;
    private ProviderHarness _providers = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeServer.StartAsync();
        // Generous: a loaded CI machine must not turn a slow answer into a timeout.
        _providers = ProviderHarness.Create(_fake.BaseUrl, timeoutSeconds: 15);
    }

    public async Task DisposeAsync()
    {
        await _providers.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static Channel TwilioSms => new(
        "sms", ChannelType.Sms, ProviderKind.Twilio, "+14155550100", null, new TwilioAccount(FakeServer.AccountSid, new Secret(FakeServer.AuthToken)), null);

    private Channel Acs(string? key = null) => new(
        "acs", ChannelType.Sms, ProviderKind.AzureCommunicationServices, "+14255550123", null, null, new AcsResource(_fake.BaseUrl.ToString(), new Secret(key ?? FakeServer.AcsKey)));

    private static ProviderMessage Sms(string to = "+14155550142", string body = "Your case CAS-1 is open.") =>
        ProviderMessage.Create(Guid.NewGuid(), to, body, null, null, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_twilio_message_the_fake_accepts_is_in_its_ledger_under_the_returned_sid()
    {
        var outcome = await _providers.Twilio.SendAsync(Sms(), TwilioSms, default);

        Assert.Equal(SendStatus.Accepted, outcome.Status);
        var row = Assert.Single(await _fake.LedgerAsync());
        Assert.Equal(outcome.ProviderMessageId, row.GetProperty("messageId").GetString());
        Assert.Equal("+14155550142", row.GetProperty("to").GetString());
    }

    [Theory]
    [InlineData("+15005550001", SendStatus.Permanent, "21211")]
    [InlineData("+15005550003", SendStatus.Permanent, "21408")]
    [InlineData("+15005550009", SendStatus.Permanent, "21614")]
    [InlineData("+15005550004", SendStatus.OptedOut, "21610")]
    public async Task Twilio_magic_numbers_map_to_their_failure_class(string to, SendStatus status, string code)
    {
        var outcome = await _providers.Twilio.SendAsync(Sms(to), TwilioSms, default);

        Assert.Equal((status, code), (outcome.Status, outcome.ErrorCode));
        Assert.Empty(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task Twilio_throttling_is_retryable_after_the_providers_delay()
    {
        await _fake.SetFaultsAsync(new { throttled = 1.0, retryAfterSeconds = 7 });

        var outcome = await _providers.Twilio.SendAsync(Sms(), TwilioSms, default);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_twilio_server_error_is_ambiguous_because_create_has_no_idempotency_key()
    {
        await _fake.SetFaultsAsync(new { retryable = 1.0, retryableStatus = 500 });

        var outcome = await _providers.Twilio.SendAsync(Sms(), TwilioSms, default);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
    }

    [Fact]
    public async Task A_twilio_503_is_retryable_because_twilio_took_nothing()
    {
        await _fake.SetFaultsAsync(new { retryable = 1.0 });

        var outcome = await _providers.Twilio.SendAsync(Sms(), TwilioSms, default);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
    }

    [Fact]
    public async Task A_twilio_timeout_after_the_fake_accepted_the_message_is_ambiguous()
    {
        await _fake.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 20_000, timeoutAccepted = true });
        await using var impatient = ProviderHarness.Create(_fake.BaseUrl, timeoutSeconds: 1);

        var outcome = await impatient.Twilio.SendAsync(Sms(), TwilioSms, default);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
        // The case the class exists for: the provider did take it, though we never heard.
        Assert.Single(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task An_acs_message_the_fake_accepts_is_in_its_ledger_under_the_returned_id()
    {
        var outcome = await _providers.Acs.SendAsync(Sms(), Acs(), default);

        Assert.Equal(SendStatus.Accepted, outcome.Status);
        var row = Assert.Single(await _fake.LedgerAsync());
        Assert.Equal(outcome.ProviderMessageId, row.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Resending_an_acs_message_after_a_lost_answer_sends_it_once()
    {
        var message = Sms();

        var first = await _providers.Acs.SendAsync(message, Acs(), default);
        var retry = await _providers.Acs.SendAsync(message, Acs(), default);

        Assert.Equal((SendStatus.Accepted, SendStatus.Accepted), (first.Status, retry.Status));
        Assert.Equal(first.ProviderMessageId, retry.ProviderMessageId);
        Assert.Single(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task An_acs_batch_sharing_a_body_gets_one_outcome_per_recipient_in_order()
    {
        var messages = new[] { Sms("+14155550142"), Sms("+14155550143"), Sms("+14155550144") };

        var outcomes = await _providers.Acs.SendBatchAsync(messages, Acs(), default);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Accepted, o.Status));
        var ledger = await _fake.LedgerAsync();
        Assert.Equal(outcomes.Select(o => o.ProviderMessageId), messages.Select(m => ledger.Single(r => r.GetProperty("to").GetString() == m.To).GetProperty("messageId").GetString()));
    }

    [Fact]
    public async Task Acs_throttling_is_retryable_after_the_providers_delay()
    {
        await _fake.SetFaultsAsync(new { throttled = 1.0, retryAfterSeconds = 9 });

        var outcome = await _providers.Acs.SendAsync(Sms(), Acs(), default);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(9), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_wrong_acs_access_key_is_a_permanent_failure()
    {
        var outcome = await _providers.Acs.SendAsync(Sms(), Acs(Convert.ToBase64String("not-the-key"u8.ToArray())), default);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Empty(await _fake.LedgerAsync());
    }
}
