using Outbound.Templates;

namespace Outbound.Tests.Templates;

public sealed class LocaleResolverTests
{
    [Fact]
    public void Resolve_returns_the_exact_locale()
    {
        Assert.Equal("fr-CA", LocaleResolver.Resolve(["en-US", "fr", "fr-CA"], "fr-CA", "en-US"));
    }

    [Fact]
    public void Resolve_matches_case_insensitively_and_returns_the_available_spelling()
    {
        Assert.Equal("fr-CA", LocaleResolver.Resolve(["en-US", "fr-CA"], "FR-ca", "en-US"));
    }

    [Fact]
    public void Resolve_falls_back_from_region_to_language()
    {
        Assert.Equal("fr", LocaleResolver.Resolve(["en-US", "fr"], "fr-CA", "en-US"));
    }

    [Fact]
    public void Resolve_falls_back_through_script_to_language()
    {
        Assert.Equal("zh-Hant", LocaleResolver.Resolve(["en-US", "zh", "zh-Hant"], "zh-Hant-TW", "en-US"));
        Assert.Equal("zh", LocaleResolver.Resolve(["en-US", "zh"], "zh-Hant-TW", "en-US"));
    }

    [Fact]
    public void Resolve_falls_back_to_the_default_when_the_language_has_no_version()
    {
        Assert.Equal("en-US", LocaleResolver.Resolve(["en-US", "de"], "fr-CA", "en-US"));
    }

    [Fact]
    public void Resolve_does_not_fall_back_to_a_sibling_region()
    {
        Assert.Equal("en-US", LocaleResolver.Resolve(["en-US", "fr-FR"], "fr-CA", "en-US"));
    }

    [Fact]
    public void Resolve_does_not_fall_back_from_a_language_to_one_of_its_regions()
    {
        Assert.Equal("en-US", LocaleResolver.Resolve(["en-US", "fr-CA"], "fr", "en-US"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xx-YY")]
    [InlineData("english")]
    public void Resolve_uses_the_default_for_a_missing_or_unknown_locale(string? requested)
    {
        Assert.Equal("en-US", LocaleResolver.Resolve(["en-US", "fr"], requested, "en-US"));
    }

    [Fact]
    public void Resolve_returns_the_default_as_spelled_in_the_available_keys()
    {
        Assert.Equal("en-US", LocaleResolver.Resolve(["en-US", "fr"], "de", "en-us"));
    }
}
