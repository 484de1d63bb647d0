using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Secret = Outbound.Channels.Secret;

namespace Outbound.Grains.Secrets;

/// <summary>The kinds of secret a tenant stores; each is sealed under its own Data Protection purpose.</summary>
public enum SecretKind
{
    TwilioAuthToken = 0,
    AcsAccessKey = 1,
    AcsEventsSecret = 2,
}

/// <summary>
/// Seals a <see cref="Secret"/> for storage with ASP.NET Core Data Protection and opens it again. A sealed value is
/// <c>dp1:</c> and the protected payload (base64url); anything else is a value stored before sealing existed,
/// taken as it is and sealed at the next write.
/// </summary>
public sealed class SecretSealer(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";

    private readonly IPersistedDataProtector[] _protectors =
        [.. Enum.GetValues<SecretKind>().Select(kind => (IPersistedDataProtector)provider.CreateProtector($"Outbound.Channels.{kind}"))];

    public static bool IsSealed(Secret secret) => secret.Value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Always seals, whatever the value looks like: a plain secret that starts like a sealed one is still plain.</summary>
    public Secret Seal(SecretKind kind, Secret secret) =>
        new(Prefix + Base64Url.EncodeToString(_protectors[(int)kind].Protect(Encoding.UTF8.GetBytes(secret.Value))));

    /// <summary>
    /// The plain secret. <paramref name="reseal"/>: the stored form should be rewritten (it predates sealing, or was
    /// sealed with a key that is no longer the ring's default, so a rotation reaches stored secrets as they are used).
    /// </summary>
    public Secret Open(SecretKind kind, Secret stored, out bool reseal)
    {
        if (!IsSealed(stored))
        {
            reseal = true;
            return stored;
        }

        var plain = _protectors[(int)kind].DangerousUnprotect(
            Base64Url.DecodeFromChars(stored.Value.AsSpan(Prefix.Length)),
            ignoreRevocationErrors: false, out reseal, out _);
        return new Secret(Encoding.UTF8.GetString(plain));
    }
}
