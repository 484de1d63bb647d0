using System.Security.Cryptography;
using Outbound.Bench.Measure;
using Outbound.Bench.Setup;
using Outbound.ProviderFake;

namespace Outbound.Chaos.Setup;

/// <summary>A configuration the load sends through, and the provider its channel uses.</summary>
/// <param name="Provider">The fake's ledger name of the provider: <c>twilio</c> or <c>acs</c>.</param>
public sealed record Target(string Name, string Provider, Tenant Tenant);

/// <summary>
/// One org with one SMS channel per provider (both on the fake) and one configuration per channel, made through the
/// public API; the fake's ACS events subscription then points at gateway 1, as an operator sets up Event Grid.
/// </summary>
public static class ChaosSetup
{
    public const string TwilioFrom = "+14155550100";
    public const string AcsFrom = "+18445550100";

    public static async Task<IReadOnlyList<Target>> CreateAsync(
        HttpClient gateway, Uri gatewayUrl, Uri fakeUrl, FakeControl fake, ChaosOptions options, CancellationToken cancellationToken)
    {
        var api = new TenantApi(gateway, options.AdminKey);
        var (orgId, apiKey) = await api.CreateOrgAsync("chaos", options.ContactsPerRequest, cancellationToken);
        var twilio = await api.CreateSmsChannelAsync(apiKey, "Chaos Twilio", TwilioFrom, "twilio",
            new { accountSid = FakeSettings.DevAccountSid, authToken = FakeSettings.DevAuthToken }, cancellationToken);
        var eventsSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var acs = await api.CreateSmsChannelAsync(apiKey, "Chaos ACS", AcsFrom, "acs",
            new { endpoint = fakeUrl.ToString(), accessKey = FakeSettings.DevAcsKey, eventsSecret }, cancellationToken);
        await fake.SubscribeAcsEventsAsync(
            new Uri(gatewayUrl, $"/v1/callbacks/acs/events?channel={orgId:N}.{acs:N}&code={eventsSecret}"), cancellationToken);

        async Task<Target> ConfigurationAsync(string name, string provider, Guid channel)
        {
            var template = await api.CreateTagTemplateAsync(apiKey, $"Chaos {name}", cancellationToken);
            var configuration = await api.CreateConfigurationAsync(apiKey, new
            {
                name = $"Chaos {name}",
                showInTimeline = false,
                channelType = "sms",
                channelId = channel,
                templateId = template,
            }, cancellationToken);
            return new Target(name, provider, new Tenant(orgId, apiKey, configuration));
        }

        // The load alternates over these. A configuration with a fallback channel (Twilio, falling back to ACS) goes
        // here once the API takes one: the verdict counts a tag's ledger rows whatever their provider, so a message
        // that reached both providers is a duplicate, and one that reached either is delivered.
        return
        [
            await ConfigurationAsync("twilio", "twilio", twilio),
            await ConfigurationAsync("acs", "acs", acs),
        ];
    }
}
