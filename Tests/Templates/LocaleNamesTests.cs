using Outbound.Templates;

namespace Outbound.Tests.Templates;

public sealed class LocaleNamesTests
{
    [Theory]
    [InlineData("fr-CA", "fr-CA")]
    [InlineData("fr-ca", "fr-CA")]
    [InlineData("EN", "en")]
    [InlineData("en-us", "en-US")]
    [InlineData("es-419", "es-419")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData("ar-SA", "ar-SA")]
    public void TryNormalize_returns_the_canonical_culture_name(string locale, string canonical)
    {
        Assert.True(LocaleNames.TryNormalize(locale, out var normalized));

        Assert.Equal(canonical, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" en")]
    [InlineData("xx-YY")]
    [InlineData("en-XX")]
    [InlineData("english")]
    [InlineData("und")]
    [InlineData("x-foo")]
    [InlineData("en_US")]
    [InlineData("en-")]
    [InlineData("fr-FR-x-foo")]
    [InlineData("en-US-u-ca-gregory")]
    public void TryNormalize_rejects_names_that_are_not_predefined_cultures(string? locale)
    {
        Assert.False(LocaleNames.TryNormalize(locale, out var canonical));

        Assert.Null(canonical);
    }
}
