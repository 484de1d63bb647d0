using Outbound.Security;

namespace Outbound.Grains.Sending;

/// <summary>
/// Where providers send status callbacks: the gateway's public URL (<c>PUBLIC_BASE_URL</c>, as the provider
/// reaches it — behind an ingress or proxy, its address there). Without it no callbacks are requested.
/// </summary>
public sealed class CallbackUrls(Uri? publicBaseUrl, SigningKeys signingKeys)
{
    public const string PublicBaseUrlKey = "PUBLIC_BASE_URL";
    public const string TwilioStatusPath = "/v1/callbacks/twilio/status";

    /// <summary>The query parameter that names the message: <c>{orgId:N}.{messageId}</c>, covered by Twilio's signature.</summary>
    public const string MessageParameter = "message";

    /// <summary>
    /// Where a provider that reports by signed callbacks per message posts this message's statuses; null without a
    /// public URL. Its token lets the gateway refuse forged callbacks without asking the cluster.
    /// </summary>
    public Uri? StatusCallback(Guid orgId, string messageId)
    {
        if (publicBaseUrl is null)
        {
            return null;
        }

        var message = $"{orgId:N}.{messageId}";
        return new Uri(publicBaseUrl, $"{TwilioStatusPath}?{MessageParameter}={message}&{CallbackTokens.Parameter}={signingKeys.For(message)}");
    }
}
