using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>
/// The Twilio client against Prism serving Twilio's published OpenAPI spec: the request must pass Prism's
/// validation (AccountSid and SID patterns, form field types and formats, Basic auth) and the SDK must read the
/// spec's 201 example.
/// </summary>
public sealed class TwilioContractTests(PrismFixture prism) : IClassFixture<PrismFixture>
{
    private async Task AssertAcceptedByContractAsync(ProviderMessage message, Outbound.Channels.Channel channel)
    {
        await using var harness = ProviderHarness.Create(prism.Url);
        var before = prism.Output.Count;

        var outcome = await harness.Twilio.SendAsync(message, channel, CancellationToken.None);

        var verdicts = await prism.VerdictsSinceAsync(before, requests: 1);
        Assert.True(outcome.Status == SendStatus.Accepted, $"Prism answered {outcome}; its output:\n{string.Join('\n', verdicts)}");
        Assert.Equal(TwilioMessageSid, outcome.ProviderMessageId);
        Assert.Contains(verdicts, l => l.Contains("The request passed the validation rules", StringComparison.Ordinal));
        Assert.DoesNotContain(verdicts, l => l.Contains('✖') || l.Contains('⚠') || l.Contains("violation", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public Task Sms_send_matches_the_twilio_contract() =>
        AssertAcceptedByContractAsync(Sms(statusCallback: new Uri("https://example.com/twilio/status?x=1")), TwilioSms());

    [Fact]
    public Task WhatsApp_template_send_matches_the_twilio_contract() =>
        AssertAcceptedByContractAsync(WhatsAppTemplate(), TwilioWhatsApp());
}
