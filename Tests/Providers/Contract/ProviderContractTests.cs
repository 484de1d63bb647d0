using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Providers;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Providers.Contract;

/// <summary>
/// What every provider client must do, run against the provider fake for each provider: what each kind of answer
/// means for delivery (taken, retry, refused, unknown, not attempted), and that what the provider declares about
/// itself holds, since delivery's decisions rest on it. A new provider gets these by deriving a class.
/// </summary>
public abstract class ProviderContractTests : IAsyncLifetime
{
    protected FakeServer Fake { get; private set; } = null!;

    protected ProviderHarness Providers { get; private set; } = null!;

    protected abstract ProviderKind Kind { get; }

    /// <summary>A channel of this provider whose credentials the fake accepts.</summary>
    protected abstract Channel Channel();

    protected IMessageProvider Provider => Providers.For(Kind);

    public async Task InitializeAsync()
    {
        Fake = await FakeServer.StartAsync();
        // Generous: a loaded CI machine must not turn a slow answer into a timeout.
        Providers = ProviderHarness.Create(Fake.BaseUrl, timeoutSeconds: 15);
    }

    public async Task DisposeAsync()
    {
        await Providers.DisposeAsync();
        await Fake.DisposeAsync();
    }

    protected static ProviderMessage Sms(string to = "+14155550142", string body = "Your case CAS-1 is open.") =>
        ProviderMessage.Create(Guid.NewGuid(), to, body, null, null, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_message_the_provider_takes_is_in_its_ledger_once_under_the_returned_id()
    {
        var outcome = await Provider.SendAsync(Sms(), Channel(), default);

        Assert.Equal(SendStatus.Accepted, outcome.Status);
        var row = Assert.Single(await Fake.LedgerAsync());
        Assert.Equal(outcome.ProviderMessageId, row.GetProperty("messageId").GetString());
        Assert.Equal("+14155550142", row.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Throttling_is_retryable_after_the_providers_delay()
    {
        await Fake.SetFaultsAsync(new { throttled = 1.0, retryAfterSeconds = 7 });

        var outcome = await Provider.SendAsync(Sms(), Channel(), default);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
        Assert.Empty(await Fake.LedgerAsync());
    }

    [Fact]
    public async Task Service_unavailable_is_retryable_because_the_provider_took_nothing()
    {
        await Fake.SetFaultsAsync(new { retryable = 1.0 });

        var outcome = await Provider.SendAsync(Sms(), Channel(), default);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Empty(await Fake.LedgerAsync());
    }

    [Fact]
    public async Task A_timeout_after_the_provider_took_the_message_is_an_unknown_outcome_that_it_can_settle()
    {
        var message = Sms();
        await Fake.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 20_000, timeoutAccepted = true });
        await using (var impatient = ProviderHarness.Create(Fake.BaseUrl, timeoutSeconds: 1))
        {
            var outcome = await impatient.For(Kind).SendAsync(message, Channel(), default);

            Assert.Equal(SendStatus.Ambiguous, outcome.Status);
        }

        // The case the class exists for: the provider did take it, though we never heard.
        var taken = Assert.Single(await Fake.LedgerAsync()).GetProperty("messageId").GetString();
        (await Fake.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        if (Provider.Capabilities.IdempotentResend)
        {
            // Settled by sending it again: the provider answers with the message it has, and sends nothing.
            var resent = await Provider.SendAsync(message, Channel(), default);
            Assert.Equal((SendStatus.Accepted, taken), (resent.Status, resent.ProviderMessageId));
            Assert.Single(await Fake.LedgerAsync());
        }
        else
        {
            // Settled by asking: the provider finds the message it took.
            var search = await Assert.IsAssignableFrom<ISentMessageFinder>(Provider)
                .FindSentAsync(new SentMessageQuery(message, message.RepeatabilityFirstSent.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)), Channel(), default);
            Assert.True(search.Completed);
            Assert.Equal(taken, Assert.Single(search.Matches).ProviderMessageId);
        }
    }

    [Fact]
    public async Task While_the_provider_is_down_its_circuit_opens_and_sends_are_deferred_not_attempted()
    {
        await Fake.SetFaultsAsync(new { retryable = 1.0, retryableStatus = 500 });

        // Side by side, as a busy silo sends: the breaker judges by the failures within a few seconds.
        SendOutcome? deferred = null;
        for (var round = 0; round < 20 && deferred is null; round++)
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Provider.SendAsync(Sms(), Channel(), default)));
            deferred = outcomes.FirstOrDefault(o => o.Status == SendStatus.Deferred);
        }

        Assert.NotNull(deferred);
        Assert.Equal(SendOutcome.ChannelDownCode, deferred.ErrorCode);
        Assert.NotNull(deferred.RetryAfter);
    }

    [Fact]
    public void What_the_provider_declares_is_backed_by_what_delivery_needs_of_it()
    {
        // An unknown outcome must be settled somehow: by a deduplicated resend, or by finding the message.
        Assert.True(Provider.Capabilities.IdempotentResend || Provider is ISentMessageFinder);
        // Signed callbacks are checked and read by the provider that asked for them.
        Assert.Equal(Provider.Capabilities.Reports == StatusReporting.SignedCallbackPerMessage, Provider is ISignedStatusCallbacks);
        Assert.Equal(Kind, Provider.Kind);
    }
}
