using Microsoft.Extensions.Configuration;

namespace Outbound.Grains.Providers;

/// <summary>
/// Settings of the provider clients, read from configuration keys that double as environment variable names
/// (like the silo's other settings).
/// </summary>
/// <param name="TwilioBaseUrl">
/// <c>TWILIO_BASE_URL</c>: when set, requests the Twilio SDK makes to <c>https://api.twilio.com</c> go here instead
/// (a fake or a contract mock, e.g. <c>http://127.0.0.1:8090</c>). Unset in production.
/// </param>
/// <param name="AttemptTimeout">
/// <c>PROVIDER_TIMEOUT_SECONDS</c> (default 10): how long one HTTP attempt to a provider may take. Twilio makes
/// one attempt; ACS up to three (see <c>AddMessageProviders</c>), so an ACS send can take about three times this.
/// Well inside the sender's grain-call timeout, so a slow provider never makes a round's caller give up on it.
/// </param>
public sealed record ProviderSettings(Uri? TwilioBaseUrl, TimeSpan AttemptTimeout)
{
    public const string TwilioBaseUrlKey = "TWILIO_BASE_URL";
    public const string TimeoutSecondsKey = "PROVIDER_TIMEOUT_SECONDS";
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(10);

    public static ProviderSettings From(IConfiguration configuration)
    {
        Uri? twilioBaseUrl = null;
        if (configuration[TwilioBaseUrlKey] is { Length: > 0 } raw)
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out twilioBaseUrl) || (twilioBaseUrl.Scheme != Uri.UriSchemeHttp && twilioBaseUrl.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"{TwilioBaseUrlKey} must be an absolute http(s) URL, e.g. http://127.0.0.1:8090.");
            }
        }

        var seconds = configuration.GetValue<double?>(TimeoutSecondsKey);
        var timeout = seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : DefaultAttemptTimeout;
        return new ProviderSettings(twilioBaseUrl, timeout);
    }
}
