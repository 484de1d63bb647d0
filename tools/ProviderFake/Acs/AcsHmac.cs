using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Outbound.ProviderFake.Acs;

/// <summary>
/// ACS access-key auth, checked as the service does (providers.md §4.4):
/// <c>Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=…</c> where the signature is
/// base64(HMAC-SHA256(base64-decoded key, "VERB\npath?query\n" + the signed headers' values joined by ';')).
/// </summary>
public static class AcsHmac
{
    public const string Scheme = "HMAC-SHA256";

    /// <summary>The clock skew the fake tolerates on x-ms-date (App Configuration's documented window; ACS states none).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>Why the request is not authentic, or null when it is.</summary>
    public static string? Verify(HttpContext context, byte[] body, IReadOnlyList<byte[]> keys, DateTimeOffset now)
    {
        var headers = context.Request.Headers;
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        if (headers["x-ms-content-sha256"].ToString() != contentHash)
        {
            return "x-ms-content-sha256 does not match the body.";
        }

        var dateHeader = headers["x-ms-date"].ToString() is { Length: > 0 } xMsDate ? xMsDate : headers.Date.ToString();
        if (!DateTimeOffset.TryParseExact(dateHeader, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return "x-ms-date is missing or not an RFC 1123 date.";
        }

        if ((now - date).Duration() > MaxSkew)
        {
            return "x-ms-date is too far from the current time.";
        }

        if (!TryParseAuthorization(headers.Authorization.ToString(), out var signedHeaders, out var signature))
        {
            return $"Authorization is not '{Scheme} SignedHeaders=...&Signature=...'.";
        }

        // The string to sign needs at least the date, the host and the content hash, or a replay could change them.
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-ms-content-sha256") ||
            !(signedHeaders.Contains("x-ms-date") || signedHeaders.Contains("date")))
        {
            return "SignedHeaders must include x-ms-date, host and x-ms-content-sha256.";
        }

        // The target exactly as sent (not re-encoded), and Host as received: on loopback it carries the port.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var values = signedHeaders.Select(h => h == "host" ? headers.Host.ToString() : headers[h].ToString());
        var stringToSign = Encoding.UTF8.GetBytes($"{context.Request.Method}\n{target}\n{string.Join(';', values)}");
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, stringToSign), signature))
            {
                return null;
            }
        }

        return "The signature does not match any access key.";
    }

    private static bool TryParseAuthorization(string value, out string[] signedHeaders, out byte[] signature)
    {
        signedHeaders = [];
        signature = [];
        if (!value.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var part in value[(Scheme.Length + 1)..].Trim().Split('&'))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                return false;
            }

            var (name, content) = (part[..eq], part[(eq + 1)..]);
            if (name.Equals("SignedHeaders", StringComparison.OrdinalIgnoreCase))
            {
                signedHeaders = content.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(h => h.ToLowerInvariant()).ToArray();
            }
            else if (name.Equals("Signature", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    signature = Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        }

        return signedHeaders.Length > 0 && signature.Length > 0;
    }
}
