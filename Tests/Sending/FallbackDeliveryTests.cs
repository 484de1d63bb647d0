using Outbound.Tests.Infrastructure;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Sending;

/// <summary>
/// A configuration's fallback channel carries a message whose own channel is down, once and with the same
/// deduplication rules, and the message's activity record says which channel carried it.
/// </summary>
[Collection(DeliveryFaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FallbackDeliveryTests(DeliveryFaultsSystem system)
{
    [Fact]
    public async Task Messages_whose_twilio_channel_keeps_failing_go_out_once_through_the_acs_fallback()
    {
        var org = await system.CreateOrgAsync();
        // Twilio answers every send from this number with 21611 (the sender's queue is full): retryable, for ever.
        var twilio = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel(from: "+15005550008"));
        var acs = await org.Http.CreateAsync("/v1/channels", new
        {
            name = "ACS SMS", type = "sms", provider = "acs", from = "+18445550100",
            acs = new { endpoint = system.Providers.BaseUrl.ToString(), accessKey = FakeServer.AcsKey },
        });
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var configuration = await org.Http.CreateAsync("/v1/outbound-configurations",
            Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: 1), "configurationId");
        var run = Guid.NewGuid().ToString("N");

        var ids = await org.SendTaggedAsync(configuration, run, 3);

        var messages = await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
        Assert.All(messages, m =>
        {
            Assert.Equal(acs, m["channelId"]!.GetValue<Guid>());
            Assert.True(m["viaFallback"]!.GetValue<bool>());
            Assert.Equal("acs", m["provider"]!.GetValue<string>());
            Assert.False(m["ambiguous"]!.GetValue<bool>());
            // Tried on its own channel first.
            Assert.Contains(m["history"]!.AsArray(), h => h!["errorCode"]?.GetValue<string>() == "21611");
        });
        Assert.Equal(["acs", "acs", "acs"], await system.LedgerProvidersAsync(run));
        Assert.Equal(3, (await system.LedgerBodiesAsync(run)).Distinct().Count());
    }
}
