using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Outbound.Grains.Secrets;

/// <summary>
/// Wraps a Data Protection key's secret part with AES-GCM under the current key-encryption key, so the key ring in
/// storage is useless without <c>DATA_PROTECTION_KEK</c>. The wrapped element names the key it used.
/// </summary>
public sealed class KekXmlEncryptor(KeyEncryptionKeys keys) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(KeyWrapping.Wrap(plaintextElement, keys.Current), typeof(KekXmlDecryptor));
}

/// <summary>Unwraps what <see cref="KekXmlEncryptor"/> wrapped, with whichever configured key it names.</summary>
/// <remarks>Data Protection creates decryptors by type name, handing them the application's services.</remarks>
public sealed class KekXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        KeyWrapping.Unwrap(encryptedElement, services.GetRequiredService<KeyEncryptionKeys>());
}

/// <summary>The format of a wrapped element: <c>&lt;kekWrapped kek="id" nonce tag&gt;ciphertext&lt;/kekWrapped&gt;</c>, all base64.</summary>
internal static class KeyWrapping
{
    public const string ElementName = "kekWrapped";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static XElement Wrap(XElement plaintext, (string Id, byte[] Key) kek)
    {
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[data.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(kek.Key, TagSize))
        {
            // The key id is authenticated too: a wrapped key cannot be relabelled to another KEK.
            aes.Encrypt(nonce, data, ciphertext, tag, Encoding.UTF8.GetBytes(kek.Id));
        }

        CryptographicOperations.ZeroMemory(data);
        return new XElement(ElementName,
            new XAttribute("kek", kek.Id),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(ciphertext));
    }

    public static XElement Unwrap(XElement wrapped, KeyEncryptionKeys keys)
    {
        var id = (string?)wrapped.Attribute("kek") ?? "";
        var key = keys.Find(id)
            ?? throw new CryptographicException($"The key ring entry is wrapped with key-encryption key '{id}', which is not in DATA_PROTECTION_KEK.");
        var nonce = Convert.FromBase64String((string?)wrapped.Attribute("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)wrapped.Attribute("tag") ?? "");
        var ciphertext = Convert.FromBase64String(wrapped.Value);
        var data = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(nonce, ciphertext, tag, data, Encoding.UTF8.GetBytes(id));
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(data));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>
    /// Rewraps with the current key every wrapped element in <paramref name="keyXml"/> that an older key wraps.
    /// True if anything changed (the caller stores it back).
    /// </summary>
    public static bool Rewrap(XElement keyXml, KeyEncryptionKeys keys)
    {
        var changed = false;
        foreach (var wrapped in keyXml.Descendants(ElementName).ToList())
        {
            // An unknown key is left alone: Data Protection reports that entry when it needs it.
            var id = (string?)wrapped.Attribute("kek") ?? "";
            if (id != keys.Current.Id && keys.Find(id) is not null)
            {
                wrapped.ReplaceWith(Wrap(Unwrap(wrapped, keys), keys.Current));
                changed = true;
            }
        }

        return changed;
    }
}
