using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Outbound.Security;

namespace Outbound.Gateway.Sessions;

/// <summary>What a session cookie says: whose key signed in, until when, and the nonce its CSRF token derives from.</summary>
public sealed record SessionTicket(Guid OrgId, Guid KeyId, string KeyHash, DateTimeOffset ExpiresAt, string Nonce)
{
    /// <summary>The token a write must carry in <c>X-CSRF-Token</c>: a tag of the nonce, so only the gateway can make it.</summary>
    public string CsrfToken(SigningKeys keys) => keys.Sign(SessionCookie.CsrfPurpose, Nonce);
}

/// <summary>
/// The console's session: an HttpOnly cookie that any gateway can check with the cluster's signing keys. It holds
/// the key's id and SHA-256, never the key, so each request is verified as the key itself would be: a revoked key
/// or a disabled org ends its sessions at once.
/// </summary>
public static class SessionCookie
{
    public const string Name = "outbound_session";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CsrfPurpose = "session-csrf";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);
    private const string Purpose = "session";
    private const string Version = "s1";

    public static string Write(SessionTicket ticket, SigningKeys keys)
    {
        var data = string.Join('.', Version, ticket.OrgId.ToString("N"), ticket.KeyId.ToString("N"), ticket.KeyHash,
            ticket.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ticket.Nonce);
        return data + "." + keys.Sign(Purpose, data);
    }

    public static SessionTicket New(Guid orgId, Guid keyId, string keyHash, DateTimeOffset now) =>
        new(orgId, keyId, keyHash, now + Lifetime, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The ticket of a cookie the gateway wrote and that has not expired; null for anything else.</summary>
    public static SessionTicket? Read(string value, SigningKeys keys, DateTimeOffset now)
    {
        var tagAt = value.LastIndexOf('.');
        if (tagAt < 0 || !keys.Verify(Purpose, value[..tagAt], value.AsSpan(tagAt + 1)))
        {
            return null;
        }

        var parts = value[..tagAt].Split('.');
        if (parts is not [Version, var org, var key, var hash, var expires, var nonce]
            || !Guid.TryParseExact(org, "N", out var orgId)
            || !Guid.TryParseExact(key, "N", out var keyId)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expiresAt > now ? new SessionTicket(orgId, keyId, hash, expiresAt, nonce) : null;
    }

    /// <summary>Whether a write carries the session's CSRF token; reads need none (a cross-site page cannot read the answer).</summary>
    public static bool PassesCsrf(HttpRequest request, SessionTicket ticket, SigningKeys keys)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return true;
        }

        var presented = request.Headers[CsrfHeader].ToString();
        return presented.Length > 0 && keys.Verify(CsrfPurpose, ticket.Nonce, presented);
    }

    public static CookieOptions Options(HttpRequest request, bool secure, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = secure || request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
