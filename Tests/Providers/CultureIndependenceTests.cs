using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>
/// Wire values do not depend on the current culture: fi-FI writes times with dots and ar-SA uses the Hijri
/// calendar (providers.md §1.3), either of which would break a date header or a signature.
/// </summary>
public sealed partial class CultureIndependenceTests : IAsyncLifetime
{
    private StubServer _stub = null!;
    private ProviderHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _stub = await StubServer.StartAsync();
        _harness = ProviderHarness.Create(_stub.Url);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _stub.DisposeAsync();
    }

    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$")]
    private static partial Regex Rfc1123();

    private static async Task<T> InCulture<T>(string culture, Func<Task<T>> action)
    {
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            return await action();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi);
        }
    }

    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    public async Task Twilio_request_is_the_same_in_any_culture(string culture)
    {
        _stub.RespondWith(201, TwilioCreated);
        var message = WhatsAppTemplate() with { ContentVariables = ImmutableDictionary<string, string>.Empty.Add("1", "12/1").Add("2", "3.5") };

        var outcome = await InCulture(culture, () => _harness.Twilio.SendAsync(message, TwilioWhatsApp(), CancellationToken.None));

        Assert.Equal(SendStatus.Accepted, outcome.Status);
        var form = QueryHelpers.ParseQuery(Assert.Single(_stub.Requests).Body);
        Assert.Equal("""{"1":"12/1","2":"3.5"}""", form["ContentVariables"].ToString());
        Assert.Equal("https://example.com/twilio/status?x=1", form["StatusCallback"].ToString());
        Assert.Equal(
            ["ContentSid", "ContentVariables", "From", "MessagingServiceSid", "StatusCallback", "To"],
            form.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    public async Task Twilio_search_writes_and_reads_its_dates_the_same_in_any_culture(string culture)
    {
        var message = Sms();
        var from = DateTimeOffset.Parse("2026-12-06T08:30:00Z", CultureInfo.InvariantCulture);
        _stub.RespondWith(200, TwilioListPage(null, TwilioListed(TwilioMessageSid, message.Body, from.AddSeconds(3), from.AddSeconds(4))));

        var (search, cultureAfter) = await InCulture(culture, async () =>
        {
            var found = await _harness.TwilioFinder.FindSentAsync(new SentMessageQuery(message, from, from.AddMinutes(1)), TwilioSms(), CancellationToken.None);
            return (found, CultureInfo.CurrentCulture.Name);
        });

        // fi-FI would write 00.00.00 and ar-SA a Hijri year (providers.md §1.3).
        Assert.Equal("2026-12-06T00:00:00Z", TwilioFindSentTests.Query(Assert.Single(_stub.Requests))["DateSent>"]);
        Assert.Equal(from.AddSeconds(3), Assert.Single(search.Matches).CreatedAt);
        // The invariant culture the search runs under stays inside it.
        Assert.Equal(culture, cultureAfter);
    }

    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    public async Task Acs_dates_are_rfc1123_in_english_and_the_signature_validates_in_any_culture(string culture)
    {
        _stub.Respond = AcsProviderTests.AcceptAll;
        var message = Sms();

        var outcome = await InCulture(culture, () => _harness.Acs.SendAsync(message, Acs(_stub.Url), CancellationToken.None));

        Assert.Equal(SendStatus.Accepted, outcome.Status);
        var request = Assert.Single(_stub.Requests);
        var date = request.Header("x-ms-date");
        Assert.Matches(Rfc1123(), date);
        var sent = DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture);
        Assert.InRange(sent, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        var firstSent = Assert.Single(AcsProviderTests.Recipients(request)).GetProperty("repeatabilityFirstSent").GetString()!;
        Assert.Matches(Rfc1123(), firstSent);
        Assert.Equal(message.RepeatabilityFirstSent, DateTimeOffset.ParseExact(firstSent, "r", CultureInfo.InvariantCulture));
        Assert.True(JsonDocument.Parse(request.Body).RootElement.GetProperty("smsSendOptions").GetProperty("enableDeliveryReport").GetBoolean());
        AcsProviderTests.AssertSignedWithAccessKey(request);
    }
}
