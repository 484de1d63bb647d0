using System.Net;
using System.Security.Cryptography;
using System.Text;
using Outbound.Security;

namespace Outbound.Tests.Infrastructure;

/// <summary>Status callbacks posted to the gateway as Twilio posts them: form-encoded and signed with the channel's auth token.</summary>
public static class TwilioCallbacks
{
    /// <summary>The callback URL the silo gives Twilio for <paramref name="messageId"/>, with its token.</summary>
    public static string Url(this OutboundSystem system, Guid orgId, string messageId) =>
        $"{UrlWithoutToken(system, orgId, messageId)}&token={OutboundSystem.SigningKeys.For($"{orgId:N}.{messageId}")}";

    /// <summary>A callback URL for <paramref name="messageId"/> as a forger would write it: no token.</summary>
    public static string UrlWithoutToken(this OutboundSystem system, Guid orgId, string messageId) =>
        $"{system.GatewayUrl.ToString().TrimEnd('/')}/v1/callbacks/twilio/status?message={orgId:N}.{messageId}";

    /// <summary>A callback's fields saying that the message <paramref name="sid"/> is now <paramref name="status"/>.</summary>
    public static Dictionary<string, string> Form(string sid, string status) => new()
    {
        ["MessageSid"] = sid,
        ["MessageStatus"] = status,
        ["AccountSid"] = Api.AccountSid,
    };

    public static async Task<HttpStatusCode> PostCallbackAsync(this OutboundSystem system, string url, Dictionary<string, string> form, string? signature = null)
    {
        using var http = system.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature ?? Sign(url, form));
        return (await http.SendAsync(request)).StatusCode;
    }

    /// <summary>Twilio's scheme: HMAC-SHA1 with the auth token over the URL followed by the sorted parameters.</summary>
    public static string Sign(string url, Dictionary<string, string> form)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Api.TwilioAuthToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
