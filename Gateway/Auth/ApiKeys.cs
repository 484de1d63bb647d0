using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Outbound.Security;

namespace Outbound.Gateway.Auth;

/// <summary>
/// Org API keys: <c>sk_{orgId:N}_{keyId:N}_{secret}{tag}</c>. The ids inside let the gateway ask the right org
/// about the right key without a lookup table; the secret is 256 random bits; the tag, an HMAC of everything
/// before it under the cluster's signing key, lets any gateway refuse a forged key without a cluster call. Only
/// the SHA-256 of the whole key is stored: the secret makes it unguessable, so a fast hash is enough.
/// </summary>
public static class ApiKeys
{
    private const string Start = "sk_";
    private const string Purpose = "api-key";
    private const int GuidLength = 32;
    private const int SecretLength = 43;
    private const int OrgIdAt = 3;
    private const int KeyIdAt = OrgIdAt + GuidLength + 1;
    private const int SecretAt = KeyIdAt + GuidLength + 1;
    private const int TagAt = SecretAt + SecretLength;

    /// <summary>Characters of every key.</summary>
    public const int Length = TagAt + SigningKeys.TagLength;

    /// <summary>Characters of a key shown in lists: the org id and the start of the key id, enough to tell an org's keys apart.</summary>
    public const int PrefixLength = KeyIdAt + 8;

    public static string Create(Guid orgId, Guid keyId, SigningKeys signingKeys)
    {
        var signed = $"{Start}{orgId:N}_{keyId:N}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return signed + signingKeys.Sign(Purpose, signed);
    }

    /// <summary>Whether <paramref name="key"/> is a key this cluster issued (its shape and tag), and whose.</summary>
    public static bool TryParse(string key, SigningKeys signingKeys, out Guid orgId, out Guid keyId)
    {
        keyId = default;
        orgId = default;
        return key.Length == Length
            && key.StartsWith(Start, StringComparison.Ordinal)
            && key[KeyIdAt - 1] == '_'
            && key[SecretAt - 1] == '_'
            && Guid.TryParseExact(key.AsSpan(OrgIdAt, GuidLength), "N", out orgId)
            && Guid.TryParseExact(key.AsSpan(KeyIdAt, GuidLength), "N", out keyId)
            && signingKeys.Verify(Purpose, key[..TagAt], key.AsSpan(TagAt));
    }

    public static string Prefix(string key) => key[..PrefixLength];

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
