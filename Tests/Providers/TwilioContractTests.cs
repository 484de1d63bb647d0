using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>
/// The Twilio client against Prism serving Twilio's published OpenAPI spec: the request must pass Prism's
/// validation (AccountSid and SID patterns, form field types and formats, Basic auth) and the SDK must read the
/// spec's 201 example.
/// </summary>
[Trait("Category", "Integration")]
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

    /// <summary>
    /// The Messages list request passes Prism's validation: path, Basic auth, the query parameters and their formats
    /// (<c>DateSent&gt;</c> is a date-time). Prism cannot answer it with the spec's example page, though: the spec
    /// declares the page URIs <c>format: uri</c> while its own examples (and Twilio) give relative paths, so with
    /// <c>--errors</c> Prism refuses its example as an invalid response (a 500 naming <c>uri</c>, <c>first_page_uri</c>
    /// and <c>next_page_uri</c>) and the search ends incomplete. The SDK's reading of that example page is tested
    /// against a stub instead (<see cref="TwilioFindSentTests"/>).
    /// </summary>
    private async Task AssertSearchAcceptedByContractAsync(ProviderMessage message, Outbound.Channels.Channel channel)
    {
        await using var harness = ProviderHarness.Create(prism.Url);
        var before = prism.Output.Count;
        var query = new SentMessageQuery(message, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        await harness.TwilioFinder.FindSentAsync(query, channel, CancellationToken.None);

        var verdicts = (await prism.VerdictsSinceAsync(before, requests: 1)).Where(l => l.Contains("[VALIDATOR]", StringComparison.Ordinal)).ToList();
        var verdict = Assert.Single(verdicts);
        Assert.Contains("The request passed the validation rules", verdict, StringComparison.Ordinal);
        Assert.DoesNotContain(verdicts, l => l.Contains('✖') || l.Contains('⚠') || l.Contains("violation", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public Task Sms_search_matches_the_twilio_contract() =>
        AssertSearchAcceptedByContractAsync(Sms(), TwilioSms());

    [Fact]
    public Task WhatsApp_search_matches_the_twilio_contract() =>
        AssertSearchAcceptedByContractAsync(WhatsAppTemplate(), TwilioWhatsApp());

    [Fact]
    public Task Sms_send_matches_the_twilio_contract() =>
        AssertAcceptedByContractAsync(Sms(statusCallback: new Uri("https://example.com/twilio/status?x=1")), TwilioSms());

    [Fact]
    public Task WhatsApp_template_send_matches_the_twilio_contract() =>
        AssertAcceptedByContractAsync(WhatsAppTemplate(), TwilioWhatsApp());
}
