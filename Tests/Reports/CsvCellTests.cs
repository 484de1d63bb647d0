using Outbound.Gateway.Reports;

namespace Outbound.Tests.Reports;

/// <summary>A CSV export opened in a spreadsheet shows text, and never runs a formula.</summary>
public sealed class CsvCellTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=1", "\"'\t=1\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    public void A_cell_that_would_start_a_formula_is_prefixed_with_a_quote_and_quoted(string value, string written) =>
        Assert.Equal(written, CsvCell.Text(value));

    [Theory]
    [InlineData("21211", "21211")]
    [InlineData("SM0123", "SM0123")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Other_text_is_written_as_rfc_4180_says(string? value, string written) =>
        Assert.Equal(written, CsvCell.Text(value));

    [Fact]
    public void An_e164_number_is_quoted_and_keeps_its_plus()
    {
        Assert.Equal("\"+14155550100\"", CsvCell.PhoneNumber("+14155550100"));
    }

    [Theory]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("+0123")]
    [InlineData("+")]
    public void Anything_else_in_the_phone_number_column_is_neutralized_as_text(string value) =>
        Assert.StartsWith("\"'", CsvCell.PhoneNumber(value), StringComparison.Ordinal);
}
