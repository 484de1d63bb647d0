using System.Globalization;

namespace Outbound.Bench.Load;

/// <summary>
/// Hands out distinct, valid US numbers (+1 NPA NXX XXXX), never the channel's sender and never one of the
/// provider's magic test numbers, so every contact of a run is a different customer.
/// </summary>
public sealed class ContactNumbers
{
    // Real, assigned area codes: libphonenumber rejects unassigned ones.
    private static readonly int[] AreaCodes = [212, 312, 415, 617, 650, 206, 303, 512, 646, 713];

    // Exchanges 220-999 without N11 (service codes) and 555 (directory and fiction): 8,100,000 numbers per area code.
    private static readonly int[] Exchanges = [.. Enumerable.Range(220, 780).Where(x => x % 100 != 11 && x != 555)];

    private long _next = -1;

    /// <summary>How many numbers were handed out.</summary>
    public long Issued => Interlocked.Read(ref _next) + 1;

    public string Next() => Format(Interlocked.Increment(ref _next));

    public static string Format(long k)
    {
        var line = k % 10_000;
        var rest = k / 10_000;
        var exchange = Exchanges[(int)(rest % Exchanges.Length)];
        var area = AreaCodes[(int)(rest / Exchanges.Length % AreaCodes.Length)];
        return string.Create(CultureInfo.InvariantCulture, $"+1{area}{exchange}{line:D4}");
    }
}
