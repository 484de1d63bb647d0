using System.Globalization;

namespace Outbound.Bench.Load;

/// <summary>
/// The tag each message carries in its body (<c>Bench e12-37</c>): the phase, the request's sequence number and
/// the contact's index. The fake's ledger keeps the body, so each ledger row names the accepted message it is.
/// </summary>
public static class MessageTags
{
    public static string Format(char phase, int sequence, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{phase}{sequence}-{index}");

    public static bool TryParse(string? body, out char phase, out int sequence, out int index)
    {
        phase = '\0';
        sequence = index = 0;
        if (body is null)
        {
            return false;
        }

        var space = body.LastIndexOf(' ');
        var tag = body.AsSpan(space + 1);
        var dash = tag.IndexOf('-');
        if (tag.Length < 4 || dash < 2)
        {
            return false;
        }

        phase = tag[0];
        return int.TryParse(tag[1..dash], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && int.TryParse(tag[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
