namespace Outbound.ProviderFake;

/// <summary>
/// How many SMS segments a body takes: GSM-7 (160 per single message, 153 per concatenated part, extension
/// characters count twice) unless some character needs UCS-2 (70, then 67 per part, counted in UTF-16 units).
/// </summary>
public static class SmsSegments
{
    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Gsm7Extension = "^{}\\[~]|€\f";

    public static int Count(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return 1;
        }

        var septets = 0;
        foreach (var c in body)
        {
            if (Gsm7Basic.Contains(c))
            {
                septets++;
            }
            else if (Gsm7Extension.Contains(c))
            {
                septets += 2;
            }
            else
            {
                return Parts(body.Length, single: 70, part: 67);
            }
        }

        return Parts(septets, single: 160, part: 153);
    }

    private static int Parts(int units, int single, int part) => units <= single ? 1 : (units + part - 1) / part;
}
