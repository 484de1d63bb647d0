using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Providers;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Providers.Contract;

/// <summary>The provider contract for Azure Communication Services, and what only ACS does: one request for many recipients.</summary>
public sealed class AcsProviderContractTests : ProviderContractTests
{
    protected override ProviderKind Kind => ProviderKind.AzureCommunicationServices;

    protected override Channel Channel() => Channel(FakeServer.AcsKey);

    private Channel Channel(string key) => new(
        "acs", ChannelType.Sms, ProviderKind.AzureCommunicationServices, "+14255550123", null, null, new AcsResource(Fake.BaseUrl.ToString(), new Secret(key)));

    [Fact]
    public async Task A_batch_sharing_a_body_gets_one_outcome_per_recipient_in_order()
    {
        var messages = new[] { Sms("+14155550142"), Sms("+14155550143"), Sms("+14155550144") };

        var outcomes = await Providers.Acs.SendBatchAsync(messages, Channel(), default);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Accepted, o.Status));
        var ledger = await Fake.LedgerAsync();
        Assert.Equal(outcomes.Select(o => o.ProviderMessageId), messages.Select(m => ledger.Single(r => r.GetProperty("to").GetString() == m.To).GetProperty("messageId").GetString()));
    }

    [Fact]
    public async Task A_wrong_access_key_is_a_permanent_failure()
    {
        var outcome = await Provider.SendAsync(Sms(), Channel(Convert.ToBase64String("not-the-key"u8.ToArray())), default);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Empty(await Fake.LedgerAsync());
    }
}
