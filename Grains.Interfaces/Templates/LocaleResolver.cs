using System.Globalization;

namespace Outbound.Templates;

/// <summary>Chooses which of a template's versions to use for a requested locale.</summary>
/// <remarks>
/// The chain is: the exact locale (<c>fr-CA</c>), then its parent cultures (<c>fr</c>; for <c>zh-Hant-TW</c>,
/// <c>zh-Hant</c> then <c>zh</c>), then the template default. A sibling region is never chosen (<c>fr-CA</c> does
/// not fall back to <c>fr-FR</c>): siblings can be a different audience (<c>pt-BR</c>/<c>pt-PT</c>) and, with
/// several, the pick would be arbitrary. An admin who wants a regional fallback adds the neutral version.
/// </remarks>
public static class LocaleResolver
{
    /// <summary>
    /// Returns the key in <paramref name="available"/> to use for <paramref name="requested"/>, matching
    /// case-insensitively and returned as spelled in <paramref name="available"/>. A missing or unknown
    /// requested locale, or one with no match, gives the default.
    /// </summary>
    /// <param name="available">The template's version keys.</param>
    /// <param name="requested">The recipient's locale, if any.</param>
    /// <param name="defaultLocale">The template default; returned as given if no key matches it.</param>
    public static string Resolve(IReadOnlyCollection<string> available, string? requested, string defaultLocale)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(defaultLocale);

        if (LocaleNames.TryNormalize(requested, out var canonical))
        {
            // Walk fr-CA → fr → (invariant, where the chain stops).
            for (var culture = CultureInfo.GetCultureInfo(canonical); culture.Name.Length > 0; culture = culture.Parent)
            {
                if (Find(available, culture.Name) is { } match)
                {
                    return match;
                }
            }
        }

        return Find(available, defaultLocale) ?? defaultLocale;
    }

    private static string? Find(IReadOnlyCollection<string> available, string locale)
    {
        foreach (var key in available)
        {
            if (string.Equals(key, locale, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
        }

        return null;
    }
}
