using System.Security.Cryptography;
using System.Text;

namespace Outbound.Gateway.Auth;

/// <summary>
/// Org API keys: <c>sk_{orgId}_{secret}</c>. The org id inside lets the gateway find the org without a lookup
/// table; only the SHA-256 of the whole key is stored. The secret is 256 random bits, so a fast hash is enough.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "sk_";

    public static string Create(Guid orgId) =>
        $"{Prefix}{orgId:N}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";

    public static bool TryGetOrgId(string key, out Guid orgId)
    {
        orgId = default;
        return key.Length > Prefix.Length + 33
            && key.StartsWith(Prefix, StringComparison.Ordinal)
            && key[Prefix.Length + 32] == '_'
            && Guid.TryParseExact(key.AsSpan(Prefix.Length, 32), "N", out orgId);
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
