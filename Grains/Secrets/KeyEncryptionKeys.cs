using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Outbound.Grains.Secrets;

/// <summary>
/// The key-encryption keys (<c>DATA_PROTECTION_KEK</c>) that wrap the Data Protection key ring in storage: a
/// comma-separated list of base64 256-bit keys. The first wraps; every one unwraps, so a new key goes first and
/// the old one stays until every silo runs with the new list (each silo rewraps the ring as it reads it).
/// </summary>
public sealed class KeyEncryptionKeys
{
    public const string SettingName = "DATA_PROTECTION_KEK";
    public const int KeySize = 32;

    // For a local run only: a key anyone can read in this file protects nothing.
    private const string DevelopmentKey = "ZGV2ZWxvcG1lbnQta2VrLW5vdC1mb3ItcHJvZHVjdGk=";

    private readonly IReadOnlyList<(string Id, byte[] Key)> _keys;

    public KeyEncryptionKeys(IEnumerable<byte[]> keys)
    {
        _keys = [.. keys.Select(k => (IdOf(k), k))];
        if (_keys.Count == 0)
        {
            throw new ArgumentException("At least one key-encryption key is needed.", nameof(keys));
        }
    }

    /// <summary>The key new key-ring entries are wrapped with.</summary>
    public (string Id, byte[] Key) Current => _keys[0];

    /// <summary>The key with id <paramref name="id"/>, if it is one of ours.</summary>
    public byte[]? Find(string id) => _keys.FirstOrDefault(k => k.Id == id).Key;

    /// <summary>Reads <c>DATA_PROTECTION_KEK</c>; unset, a fixed development key in Development and an error elsewhere.</summary>
    public static KeyEncryptionKeys From(IConfiguration configuration, bool isDevelopment)
    {
        var raw = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(raw))
        {
            raw = isDevelopment
                ? DevelopmentKey
                : throw new InvalidOperationException($"{SettingName} is not set: the silo needs a key-encryption key (base64 of 32 random bytes) to keep channel credentials encrypted.");
        }

        var keys = new List<byte[]>();
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = new byte[KeySize];
            if (!Convert.TryFromBase64String(part, key, out var written) || written != KeySize)
            {
                throw new InvalidOperationException($"{SettingName} is a comma-separated list of base64 keys of {KeySize} bytes each (e.g. from `openssl rand -base64 32`).");
            }

            keys.Add(key);
        }

        return new KeyEncryptionKeys(keys);
    }

    /// <summary>A short public name of a key, stored beside what it wraps so the right key is picked after a rotation.</summary>
    private static string IdOf(byte[] key) => Convert.ToHexString(SHA256.HashData(key).AsSpan(0, 8)).ToLowerInvariant();
}
