using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Outbound.Templates;

/// <summary>Checks and canonicalizes locale names (BCP-47 culture names such as <c>fr-CA</c>).</summary>
/// <remarks>
/// A name is accepted only if it is a culture .NET knows as predefined (ICU data on Linux), so typos such as
/// <c>xx-YY</c> or <c>english</c> are rejected instead of becoming made-up cultures. Needs ICU: with invariant
/// globalization every name is rejected.
/// </remarks>
public static class LocaleNames
{
    /// <summary>
    /// Whether <paramref name="locale"/> names a predefined, non-invariant culture; if so,
    /// <paramref name="canonical"/> is its canonical name (<c>fr-ca</c> → <c>fr-CA</c>).
    /// </summary>
    /// <remarks>
    /// Only language[-script][-region][-variant] names are accepted: names with an extension or private-use part
    /// (<c>en-US-u-ca-gregory</c>, <c>fr-FR-x-foo</c>), underscores or spaces are rejected, as is a name that .NET
    /// would rewrite into a different culture, because the caller's key must mean exactly the culture stored.
    /// </remarks>
    public static bool TryNormalize([NotNullWhen(true)] string? locale, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        if (!HasCultureNameShape(locale))
        {
            return false;
        }

        CultureInfo culture;
        try
        {
            culture = CultureInfo.GetCultureInfo(locale, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return false;
        }

        // "und" resolves to the invariant culture, which is no language at all.
        if (culture.Name.Length == 0 || !culture.Name.Equals(locale, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        canonical = culture.Name;
        return true;
    }

    // Subtags of 2-8 ASCII letters or digits joined by '-', the first all letters. This screens out what ICU
    // would otherwise accept loosely: '_' separators, extensions and private use (single-character subtags).
    private static bool HasCultureNameShape([NotNullWhen(true)] string? locale)
    {
        if (string.IsNullOrEmpty(locale))
        {
            return false;
        }

        var first = true;
        foreach (var range in locale.AsSpan().Split('-'))
        {
            var subtag = locale.AsSpan(range);
            if (subtag.Length is < 2 or > 8)
            {
                return false;
            }

            foreach (var c in subtag)
            {
                if (first ? !char.IsAsciiLetter(c) : !char.IsAsciiLetterOrDigit(c))
                {
                    return false;
                }
            }

            first = false;
        }

        return true;
    }
}
