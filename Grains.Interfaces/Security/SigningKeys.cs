using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Outbound.Security;

/// <summary>
/// The cluster's signing keys (<c>SIGNING_KEYS</c>), shared by silos and gateways: they let a gateway tell a
/// token or API key it issued from a forged one without asking the cluster. The first key signs and every key
/// verifies, so a new key is rolled in first and an old one stays in the list while anything it signed is in use.
/// </summary>
public sealed class SigningKeys
{
    public const string SettingName = "SIGNING_KEYS";

    /// <summary>Bytes a key has at least: a key of 256 bits, as HMAC-SHA256 wants.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Characters of a tag: 128 bits of HMAC-SHA256, base64url.</summary>
    public const int TagLength = 22;

    private const int TagBytes = 16;
    private readonly byte[][] _keys;

    private SigningKeys(byte[][] keys) => _keys = keys;

    /// <summary>Reads <c>SIGNING_KEYS</c>: one or more base64 keys separated by commas; fails naming the setting if unusable.</summary>
    public static SigningKeys Parse(string? value)
    {
        var parts = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new InvalidOperationException(
                $"{SettingName} is not set: silos and gateways need the same signing key (base64 of {MinKeyBytes} or more random bytes, e.g. `openssl rand -base64 32`).");
        }

        var keys = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++)
        {
            var key = new byte[parts[i].Length];
            if (!Convert.TryFromBase64String(parts[i], key, out var written) || written < MinKeyBytes)
            {
                throw new InvalidOperationException($"{SettingName}: key {i + 1} is not base64 of at least {MinKeyBytes} bytes.");
            }

            keys[i] = key[..written];
        }

        return new SigningKeys(keys);
    }

    /// <summary>The tag of <paramref name="data"/> under the first key. The purpose keeps a tag made for one use invalid for any other.</summary>
    public string Sign(string purpose, string data) => Tag(_keys[0], purpose, data);

    /// <summary>Whether <paramref name="tag"/> is the tag of <paramref name="data"/> under any of the keys.</summary>
    public bool Verify(string purpose, string data, ReadOnlySpan<char> tag)
    {
        if (tag.Length != TagLength)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[TagLength];
        if (Encoding.ASCII.GetBytes(tag, presented) != TagLength)
        {
            return false;
        }

        var valid = false;
        foreach (var key in _keys)
        {
            valid |= CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(Tag(key, purpose, data)));
        }

        return valid;
    }

    private static string Tag(byte[] key, string purpose, string data) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}\n{data}")).AsSpan(0, TagBytes));
}
