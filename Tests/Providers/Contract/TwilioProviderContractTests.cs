using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Providers;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Providers.Contract;

/// <summary>The provider contract for Twilio, and what only Twilio does: its error codes for refused recipients.</summary>
public sealed class TwilioProviderContractTests : ProviderContractTests
{
    protected override ProviderKind Kind => ProviderKind.Twilio;

    protected override Channel Channel() => new(
        "sms", ChannelType.Sms, ProviderKind.Twilio, "+14155550100", null, new TwilioAccount(FakeServer.AccountSid, new Secret(FakeServer.AuthToken)), null);

    [Theory]
    [InlineData("+15005550001", SendStatus.Permanent, "21211")]
    [InlineData("+15005550003", SendStatus.Permanent, "21408")]
    [InlineData("+15005550009", SendStatus.Permanent, "21614")]
    [InlineData("+15005550004", SendStatus.OptedOut, "21610")]
    public async Task Twilio_magic_numbers_map_to_their_failure_class(string to, SendStatus status, string code)
    {
        var outcome = await Provider.SendAsync(Sms(to), Channel(), default);

        Assert.Equal((status, code), (outcome.Status, outcome.ErrorCode));
        Assert.Empty(await Fake.LedgerAsync());
    }

    [Fact]
    public async Task A_server_error_other_than_503_is_ambiguous_because_create_has_no_idempotency_key()
    {
        await Fake.SetFaultsAsync(new { retryable = 1.0, retryableStatus = 500 });

        var outcome = await Provider.SendAsync(Sms(), Channel(), default);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
    }
}
