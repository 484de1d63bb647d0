using System.Buffers;

namespace Outbound.Gateway.Reports;

/// <summary>
/// Writes CSV cells (RFC 4180) that a spreadsheet opens as text, never as a formula. Some cells hold what a provider
/// or a caller wrote (error codes, provider ids), and a cell starting with <c>= + - @</c>, a tab or a carriage
/// return is run as a formula by Excel, LibreOffice and Google Sheets (CSV injection).
/// </summary>
/// <remarks>
/// As OWASP recommends, such a cell is prefixed with a single quote and quoted. A phone number in E.164 form is the
/// exception: <c>+</c> and digits only, it carries no formula, so it is written quoted and unchanged
/// (<c>"+14155550100"</c>) and reads as the number; a spreadsheet that types quoted fields as text keeps the
/// <c>+</c>.
/// </remarks>
public static class CsvCell
{
    private static readonly SearchValues<char> s_formulaStarts = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> s_needsQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>Any text: quoted when it holds a separator, quoted and prefixed with <c>'</c> when it would start a formula.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (s_formulaStarts.Contains(value[0]))
        {
            return Quote("'" + value);
        }

        return value.AsSpan().ContainsAny(s_needsQuotes) ? Quote(value) : value;
    }

    /// <summary>
    /// A phone number: an E.164 number is written quoted as it is; anything else is <see cref="Text"/>, so a
    /// value that only looks like a number cannot smuggle a formula in.
    /// </summary>
    public static string PhoneNumber(string? value) =>
        value is { Length: >= 2 and <= 16 } && value[0] == '+' && value[1] is >= '1' and <= '9' && value.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0
            ? $"\"{value}\""
            : Text(value);

    private static string Quote(string value) => $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
