using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Outbound.Channels;

namespace Outbound.Grains.Providers.Acs;

/// <summary>
/// Signs Azure Communication Services requests with the resource's access key (HMAC-SHA256), as the official
/// SDKs do: <c>x-ms-date</c> (RFC 1123), <c>x-ms-content-sha256</c> (base64 SHA-256 of the body) and
/// <c>Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=…</c> over
/// <c>"{VERB}\n{path?query}\n{x-ms-date};{host};{content hash}"</c>, keyed with the base64-decoded access key.
/// </summary>
public sealed class AcsRequestSigner
{
    /// <summary>The headers the signature covers, in the order they are signed.</summary>
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    private readonly TimeProvider _time;

    public AcsRequestSigner(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Adds the date, content-hash and authorization headers to <paramref name="request"/>.</summary>
    /// <param name="body">The exact bytes that will be sent as the body.</param>
    /// <param name="accessKey">The resource's access key, base64 as shown in the portal.</param>
    /// <exception cref="ArgumentException">The access key is not base64 (the message never contains the key).</exception>
    public void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, Secret accessKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(accessKey);
        var uri = request.RequestUri is { IsAbsoluteUri: true } u ? u : throw new ArgumentException("The request needs an absolute URI.", nameof(request));

        // "r" is RFC 1123 with English names whatever the current culture; the invariant culture makes that explicit.
        var date = _time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var signature = Compute(request.Method.Method, uri.PathAndQuery, uri.Authority, date, body, accessKey.Value);

        request.Headers.Remove("x-ms-date");
        request.Headers.Remove("x-ms-content-sha256");
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("x-ms-content-sha256", signature.ContentHash);
        request.Headers.Authorization = new AuthenticationHeaderValue("HMAC-SHA256", signature.AuthorizationParameter);
    }

    /// <summary>The signature of one request.</summary>
    /// <param name="method">The HTTP verb, upper case.</param>
    /// <param name="pathAndQuery">e.g. <c>/sms?api-version=2021-03-07</c>.</param>
    /// <param name="host">The Host header as sent: with the port when it is not the scheme's default (<see cref="Uri.Authority"/>).</param>
    /// <param name="date">The <c>x-ms-date</c> value.</param>
    public static AcsSignature Compute(string method, string pathAndQuery, string host, string date, ReadOnlySpan<byte> body, string base64AccessKey)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64AccessKey);
        }
        catch (FormatException)
        {
            // Deliberately without the inner exception or the value: nothing of the key may reach a log.
            throw new ArgumentException("The ACS access key is not valid base64.", nameof(base64AccessKey));
        }

        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        var stringToSign = $"{method}\n{pathAndQuery}\n{date};{host};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        CryptographicOperations.ZeroMemory(key);
        return new AcsSignature(date, contentHash, signature);
    }
}

/// <summary>The values of an ACS HMAC signature.</summary>
/// <param name="Date">The <c>x-ms-date</c> header.</param>
/// <param name="ContentHash">The <c>x-ms-content-sha256</c> header.</param>
/// <param name="Signature">The base64 HMAC-SHA256.</param>
public sealed record AcsSignature(string Date, string ContentHash, string Signature)
{
    /// <summary>The <c>Authorization</c> value after the <c>HMAC-SHA256</c> scheme.</summary>
    public string AuthorizationParameter => $"SignedHeaders={AcsRequestSigner.SignedHeaders}&Signature={Signature}";

    /// <summary>The whole <c>Authorization</c> header value.</summary>
    public string Authorization => $"HMAC-SHA256 {AuthorizationParameter}";
}
