using System.Security.Cryptography;
using System.Text;

namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// <c>X-Twilio-Signature</c> as Twilio computes it (providers.md §1.7, the SDK's RequestValidator):
/// base64(HMAC-SHA1(key = auth token, data = the exact URL called + every form key and value, keys sorted ordinally)).
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>A form POST to <paramref name="url"/>, signed as Twilio signs its webhooks.</summary>
    public static HttpRequestMessage SignedFormPost(string url, string authToken, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(Header, Compute(authToken, url, form));
        return request;
    }
}
