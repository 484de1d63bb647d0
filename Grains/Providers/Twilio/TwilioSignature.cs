using Outbound.Channels;
using Twilio.Security;

namespace Outbound.Grains.Providers.Twilio;

/// <summary>
/// Checks the <c>X-Twilio-Signature</c> of a webhook (status callback, inbound message) with the Twilio SDK's
/// <see cref="RequestValidator"/>: constant-time comparison, the port variations Twilio is known to sign with,
/// JSON bodies via <c>bodySHA256</c> and the SHA-256 SharedKey scheme are all the SDK's, not ours.
/// </summary>
public sealed class TwilioSignature
{
    /// <summary>The request header carrying the signature.</summary>
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>Present when the webhook was signed with a SharedKey instead of the auth token; names the algorithm.</summary>
    public const string SignatureSettingsHeader = "X-Twilio-Webhooks-Signature-Settings";

    private readonly RequestValidator _validator;

    /// <param name="signingSecret">The account auth token (or the SharedKey secret for SharedKey-signed webhooks).</param>
    public TwilioSignature(Secret signingSecret)
    {
        ArgumentNullException.ThrowIfNull(signingSecret);
        _validator = new RequestValidator(signingSecret.Value);
    }

    /// <summary>Whether a form-encoded webhook is signed by Twilio.</summary>
    /// <param name="url">The full URL Twilio called, exactly as configured there, query string included.</param>
    /// <param name="formParameters">Every form field of the POST body (one value per key).</param>
    /// <param name="signature">The <see cref="SignatureHeader"/> value; missing means invalid.</param>
    /// <param name="signatureSettings">The <see cref="SignatureSettingsHeader"/> value, if the request had one.</param>
    public bool IsValid(string url, IDictionary<string, string> formParameters, string? signature, string? signatureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);
        return !string.IsNullOrEmpty(signature)
            && _validator.Validate(url, formParameters, signature, RequestValidator.GetSignatureAlgorithm(signatureSettings));
    }

    /// <summary>Whether a JSON-body webhook is signed by Twilio (its URL carries <c>bodySHA256</c>).</summary>
    public bool IsValidJson(string url, string body, string? signature, string? signatureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        return !string.IsNullOrEmpty(signature)
            && _validator.Validate(url, body, signature, RequestValidator.GetSignatureAlgorithm(signatureSettings));
    }
}
