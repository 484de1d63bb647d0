using Outbound.Templates;

namespace Outbound.Tests.Templates;

public sealed class SmsEncodingTests
{
    // The 127 characters of the GSM 03.38 default alphabet (all but the escape code).
    private const string BasicAlphabet =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Emoji = "😀";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Analyze_counts_gsm7_segments(int length, int segments)
    {
        var info = SmsEncoding.Analyze(new string('a', length));

        Assert.Equal(new SmsEncodingInfo("GSM-7", segments, length), info);
    }

    [Fact]
    public void Analyze_treats_the_whole_default_alphabet_as_gsm7()
    {
        var info = SmsEncoding.Analyze(BasicAlphabet);

        Assert.Equal(127, BasicAlphabet.Length);
        Assert.Equal(new SmsEncodingInfo("GSM-7", 1, 127), info);
    }

    [Fact]
    public void Analyze_counts_each_extension_character_as_two_septets()
    {
        var info = SmsEncoding.Analyze("\f^{}\\[~]|€");

        Assert.Equal(new SmsEncodingInfo("GSM-7", 1, 20), info);
    }

    [Fact]
    public void Analyze_lets_an_extension_character_push_text_past_one_segment()
    {
        var info = SmsEncoding.Analyze(new string('a', 159) + "€");

        Assert.Equal(new SmsEncodingInfo("GSM-7", 2, 161), info);
    }

    [Fact]
    public void Analyze_moves_an_escape_pair_at_a_segment_boundary_to_the_next_segment()
    {
        // 152 + 2 + 152 = 306 septets would fit 2 × 153, but the pair cannot straddle septets 153 and 154.
        var info = SmsEncoding.Analyze(new string('a', 152) + "€" + new string('a', 152));

        Assert.Equal(new SmsEncodingInfo("GSM-7", 3, 306), info);
    }

    [Fact]
    public void Analyze_keeps_an_escape_pair_that_ends_exactly_at_a_segment_boundary()
    {
        var info = SmsEncoding.Analyze(new string('a', 151) + "€" + new string('a', 153));

        Assert.Equal(new SmsEncodingInfo("GSM-7", 2, 306), info);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    [InlineData(201, 3)]
    [InlineData(202, 4)]
    public void Analyze_counts_ucs2_segments(int length, int segments)
    {
        var info = SmsEncoding.Analyze(new string('Ж', length));

        Assert.Equal(new SmsEncodingInfo("UCS-2", segments, length), info);
    }

    [Fact]
    public void Analyze_counts_an_emoji_as_two_ucs2_units()
    {
        var info = SmsEncoding.Analyze(Emoji);

        Assert.Equal(new SmsEncodingInfo("UCS-2", 1, 2), info);
    }

    [Fact]
    public void Analyze_does_not_split_a_surrogate_pair_across_segments()
    {
        // 66 + 2 + 66 = 134 units would fit 2 × 67, but the emoji cannot straddle units 67 and 68.
        var info = SmsEncoding.Analyze(new string('Ж', 66) + Emoji + new string('Ж', 66));

        Assert.Equal(new SmsEncodingInfo("UCS-2", 3, 134), info);
    }

    [Fact]
    public void Analyze_keeps_a_surrogate_pair_that_ends_exactly_at_a_segment_boundary()
    {
        var info = SmsEncoding.Analyze(new string('Ж', 65) + Emoji + new string('Ж', 67));

        Assert.Equal(new SmsEncodingInfo("UCS-2", 2, 134), info);
    }

    [Fact]
    public void Analyze_turns_the_whole_text_ucs2_for_one_non_gsm_character()
    {
        var info = SmsEncoding.Analyze(new string('a', 150) + "你");

        Assert.Equal(new SmsEncodingInfo("UCS-2", 3, 151), info);
    }

    [Theory]
    [InlineData("`")]
    [InlineData("ç")]
    [InlineData("’")]
    [InlineData("—")]
    [InlineData("α")]
    [InlineData("\t")]
    public void Analyze_treats_characters_outside_the_gsm7_alphabet_as_ucs2(string character)
    {
        Assert.Equal("UCS-2", SmsEncoding.Analyze("Hello " + character).Encoding);
    }

    [Fact]
    public void Analyze_gives_empty_text_zero_segments()
    {
        Assert.Equal(new SmsEncodingInfo("GSM-7", 0, 0), SmsEncoding.Analyze(""));
    }
}
