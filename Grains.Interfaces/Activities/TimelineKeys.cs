using System.Security.Cryptography;
using System.Text;

namespace Outbound.Activities;

/// <summary>
/// How a timeline's key (a phone number or an <c>entityrelationshipname</c>) is written into an Azure Table row key,
/// and how long a key may be. A row key is at most 1 KiB (512 UTF-16 characters) and may not hold <c>/ \ # ?</c>,
/// so the key is percent-encoded, which can make it up to 9 times longer (a CJK character is 3 UTF-8 bytes).
/// </summary>
public static class TimelineKeys
{
    /// <summary>The longest <c>entityrelationshipname</c>, in characters.</summary>
    public const int MaxRegardingLength = 128;

    /// <summary>
    /// The longest key once encoded, in characters: 128 ASCII characters always fit (3 each at most); about 42 CJK
    /// characters do. With the time and the message id the row key stays well under 512 characters.
    /// </summary>
    public const int MaxEncodedLength = 384;

    // Percent-encoding never produces '!' (it is encoded as %21), so a shortened key cannot equal a whole one.
    private const char ShortenedMark = '!';
    private const int HashChars = 32;

    /// <summary>Why <paramref name="name"/> cannot be an <c>entityrelationshipname</c>, or null when it can.</summary>
    public static string? RegardingProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxRegardingLength)
        {
            return $"entityrelationshipname is at most {MaxRegardingLength} characters.";
        }

        return Uri.EscapeDataString(name).Length > MaxEncodedLength
            ? $"entityrelationshipname is at most {MaxEncodedLength} characters once URL-encoded (a character outside ASCII takes 6 to 12): use a shorter name."
            : null;
    }

    /// <summary>
    /// The key as written in row keys: percent-encoded; a key longer than <see cref="MaxEncodedLength"/> once encoded
    /// (stored before the limit existed) is cut and ends with a hash of the whole key, so every key has a row key.
    /// </summary>
    public static string Encode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var encoded = Uri.EscapeDataString(key);
        if (encoded.Length <= MaxEncodedLength)
        {
            return encoded;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, HashChars / 2));
        return $"{encoded.AsSpan(0, MaxEncodedLength - HashChars - 1)}{ShortenedMark}{hash}";
    }
}
