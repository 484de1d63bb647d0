namespace Outbound.Templates;

/// <summary>
/// Works out how an SMS text is encoded (GSM-7 or UCS-2) and how many segments it takes, the way carriers count.
/// </summary>
/// <remarks>
/// GSM-7 is the 3GPP TS 23.038 default alphabet plus its basic extension table (<c>^ { } \ [ ~ ] | €</c> and form
/// feed); an extension character is sent as escape + character, so it costs 2 septets. A text with any other
/// character is sent as UCS-2, counted in UTF-16 code units. One segment holds 160 septets or 70 units; a
/// concatenated message spends room on its header, so each of its segments holds 153 septets or 67 units, and
/// neither an escape pair nor a surrogate pair is split across two segments.
/// Empty text takes 0 segments: there is nothing to send (template bodies are never empty, but a body made only
/// of slugs can render empty, and 0 lets a caller see that).
/// </remarks>
public static class SmsEncoding
{
    /// <summary>The name of the GSM 7-bit default alphabet encoding.</summary>
    public const string Gsm7 = "GSM-7";

    /// <summary>The name of the UCS-2 (UTF-16) encoding.</summary>
    public const string Ucs2 = "UCS-2";

    private const int Gsm7SingleSegment = 160;
    private const int Gsm7ConcatenatedSegment = 153;
    private const int Ucs2SingleSegment = 70;
    private const int Ucs2ConcatenatedSegment = 67;

    // The default alphabet in table order (0x00-0x7F), without the escape code at 0x1B.
    private const string BasicAlphabet =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // The basic extension table: each of these is sent as escape + character.
    private const string ExtensionTable = "\f^{}\\[~]|€";

    // Septet cost by UTF-16 code unit for everything below U+0400 (all of the alphabet except '€'):
    // 0 means "not GSM-7". A table keeps Analyze a tight loop with no hashing.
    private const int TableSize = 0x400;
    private static readonly byte[] s_costs = BuildCosts();

    /// <summary>Analyzes <paramref name="text"/>: its encoding, segment count and size in encoding units.</summary>
    public static SmsEncodingInfo Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var septets = 0;
        foreach (var c in text)
        {
            var cost = SeptetCost(c);
            if (cost == 0)
            {
                return AnalyzeUcs2(text);
            }

            septets += cost;
        }

        return new SmsEncodingInfo(Gsm7, CountGsm7Segments(text, septets), septets);
    }

    private static SmsEncodingInfo AnalyzeUcs2(string text)
    {
        if (text.Length <= Ucs2SingleSegment)
        {
            return new SmsEncodingInfo(Ucs2, 1, text.Length);
        }

        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            // A surrogate pair is one character to the handset: it moves whole to the next segment.
            var size = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (used + size > Ucs2ConcatenatedSegment)
            {
                segments++;
                used = 0;
            }

            used += size;
            i += size - 1;
        }

        return new SmsEncodingInfo(Ucs2, segments, text.Length);
    }

    private static int CountGsm7Segments(string text, int septets)
    {
        if (septets == 0)
        {
            return 0;
        }

        if (septets <= Gsm7SingleSegment)
        {
            return 1;
        }

        var segments = 1;
        var used = 0;
        foreach (var c in text)
        {
            // An escape pair moves whole to the next segment, wasting the last septet of this one.
            var cost = SeptetCost(c);
            if (used + cost > Gsm7ConcatenatedSegment)
            {
                segments++;
                used = 0;
            }

            used += cost;
        }

        return segments;
    }

    private static int SeptetCost(char c) => c < TableSize ? s_costs[c] : c == '€' ? 2 : 0;

    private static byte[] BuildCosts()
    {
        var costs = new byte[TableSize];
        foreach (var c in BasicAlphabet)
        {
            costs[c] = 1;
        }

        foreach (var c in ExtensionTable)
        {
            if (c < TableSize)
            {
                costs[c] = 2;
            }
        }

        return costs;
    }
}
