using System.Collections.Immutable;
using Outbound.Catalog;
using Outbound.Templates;

namespace Outbound.Tests.Templates;

public sealed class TemplateValidatorTests
{
    private const string Sid = "HX0123456789abcdef0123456789ABCDEF";

    private static MessageTemplate Sms(params (string Locale, TemplateVersion Version)[] versions) =>
        new("Welcome", ChannelType.Sms, "en-US", versions.ToImmutableDictionary(v => v.Locale, v => v.Version));

    private static MessageTemplate WhatsApp(params (string Locale, TemplateVersion Version)[] versions) =>
        new("Welcome", ChannelType.WhatsApp, "en-US", versions.ToImmutableDictionary(v => v.Locale, v => v.Version));

    private static MessageTemplate ValidSms() => Sms(("en-US", TemplateVersion.Sms("Hi {Name}")));

    private static ImmutableDictionary<string, string> Variables(params (string Key, string Slug)[] variables) =>
        variables.ToImmutableDictionary(v => v.Key, v => v.Slug);

    private static MessageTemplate WhatsAppWithVariables(params (string Key, string Slug)[] variables) =>
        WhatsApp(("en-US", TemplateVersion.WhatsApp(Sid, Variables(variables))));

    private static string[] ErrorsAt(MessageTemplate template, string path)
    {
        var errors = TemplateValidator.Validate(template);
        Assert.True(errors.ContainsKey(path), $"No error at '{path}'; errors at: {string.Join(", ", errors.Keys)}");
        return errors[path];
    }

    private static void AssertOnlyErrorAt(MessageTemplate template, string path)
    {
        Assert.Equal([path], TemplateValidator.Validate(template).Keys);
    }

    [Fact]
    public void Validate_accepts_a_valid_sms_template()
    {
        var template = Sms(("en-US", TemplateVersion.Sms("Hi {Name}")), ("fr", TemplateVersion.Sms("Salut {Name}")));

        Assert.Empty(TemplateValidator.Validate(template));
    }

    [Fact]
    public void Validate_accepts_a_valid_whatsapp_template()
    {
        Assert.Empty(TemplateValidator.Validate(WhatsAppWithVariables(("1", "Name"), ("2", "OrderId"))));
    }

    [Fact]
    public void Validate_accepts_a_whatsapp_version_without_variables()
    {
        Assert.Empty(TemplateValidator.Validate(WhatsApp(("en-US", new TemplateVersion(null, Sid, null)))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_requires_a_name(string? name)
    {
        AssertOnlyErrorAt(ValidSms() with { Name = name! }, "name");
    }

    [Fact]
    public void Validate_rejects_a_name_over_200_characters()
    {
        AssertOnlyErrorAt(ValidSms() with { Name = new string('n', 201) }, "name");
    }

    [Fact]
    public void Validate_accepts_a_name_of_200_characters()
    {
        Assert.Empty(TemplateValidator.Validate(ValidSms() with { Name = new string('n', 200) }));
    }

    [Fact]
    public void Validate_rejects_an_unknown_channel_type()
    {
        AssertOnlyErrorAt(ValidSms() with { ChannelType = (ChannelType)7 }, "channelType");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_requires_a_default_locale(string? defaultLocale)
    {
        AssertOnlyErrorAt(ValidSms() with { DefaultLocale = defaultLocale! }, "defaultLocale");
    }

    [Theory]
    [InlineData("xx-YY")]
    [InlineData("english")]
    public void Validate_rejects_an_unknown_default_locale(string defaultLocale)
    {
        AssertOnlyErrorAt(ValidSms() with { DefaultLocale = defaultLocale }, "defaultLocale");
    }

    [Fact]
    public void Validate_requires_a_version_for_the_default_locale()
    {
        var template = Sms(("fr", TemplateVersion.Sms("Salut")));

        Assert.Equal(["defaultLocale must have a version."], ErrorsAt(template, "defaultLocale"));
    }

    [Fact]
    public void Validate_matches_the_default_locale_to_a_version_case_insensitively()
    {
        Assert.Empty(TemplateValidator.Validate(ValidSms() with { DefaultLocale = "EN-us" }));
    }

    [Fact]
    public void Validate_requires_at_least_one_version()
    {
        var errors = TemplateValidator.Validate(Sms());

        Assert.Contains("versions", errors.Keys);
        Assert.Equal(["defaultLocale must have a version."], errors["defaultLocale"]);
    }

    [Fact]
    public void Validate_rejects_missing_versions()
    {
        Assert.Contains("versions", TemplateValidator.Validate(ValidSms() with { Versions = null! }).Keys);
    }

    [Fact]
    public void Validate_rejects_an_unknown_version_locale()
    {
        var template = Sms(("en-US", TemplateVersion.Sms("Hi")), ("xx-YY", TemplateVersion.Sms("Hi")));

        AssertOnlyErrorAt(template, "versions.xx-YY");
    }

    [Fact]
    public void Validate_rejects_a_null_version()
    {
        var template = Sms(("en-US", TemplateVersion.Sms("Hi")), ("fr", null!));

        AssertOnlyErrorAt(template, "versions.fr");
    }

    [Fact]
    public void Validate_rejects_two_version_keys_naming_the_same_locale()
    {
        var template = Sms(("en-US", TemplateVersion.Sms("Hi")), ("fr-CA", TemplateVersion.Sms("Salut")), ("fr-ca", TemplateVersion.Sms("Allo")));

        var errors = TemplateValidator.Validate(template);

        Assert.Equal(["versions.fr-CA", "versions.fr-ca"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'fr-CA'", errors["versions.fr-ca"][0]);
    }

    [Fact]
    public void Validate_names_the_version_path_with_the_locale_as_written()
    {
        var template = Sms(("en-US", TemplateVersion.Sms("Hi")), ("fr-ca", TemplateVersion.Sms("")));

        AssertOnlyErrorAt(template, "versions.fr-ca.body");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_requires_an_sms_body(string? body)
    {
        AssertOnlyErrorAt(Sms(("en-US", new TemplateVersion(body, null, null))), "versions.en-US.body");
    }

    [Fact]
    public void Validate_rejects_an_sms_body_over_1600_characters()
    {
        AssertOnlyErrorAt(Sms(("en-US", TemplateVersion.Sms(new string('a', 1601)))), "versions.en-US.body");
    }

    [Fact]
    public void Validate_accepts_an_sms_body_of_1600_characters()
    {
        Assert.Empty(TemplateValidator.Validate(Sms(("en-US", TemplateVersion.Sms(new string('a', 1600))))));
    }

    [Theory]
    [InlineData("Hi {Name", "index 3")]
    [InlineData("Hi Name}", "index 7")]
    [InlineData("Hi {a{b}}", "index 5")]
    [InlineData("Hi {}", "index 3")]
    [InlineData("Hi {first name}", "index 3")]
    public void Validate_rejects_an_sms_body_with_a_bad_slug(string body, string where)
    {
        var errors = ErrorsAt(Sms(("en-US", TemplateVersion.Sms(body))), "versions.en-US.body");

        Assert.Contains(where, Assert.Single(errors));
    }

    [Fact]
    public void Validate_rejects_a_content_sid_on_an_sms_version()
    {
        AssertOnlyErrorAt(Sms(("en-US", new TemplateVersion("Hi", Sid, null))), "versions.en-US.contentSid");
    }

    [Fact]
    public void Validate_rejects_variables_on_an_sms_version()
    {
        AssertOnlyErrorAt(Sms(("en-US", new TemplateVersion("Hi", null, Variables(("1", "Name"))))), "versions.en-US.variables");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_requires_a_whatsapp_content_sid(string? sid)
    {
        AssertOnlyErrorAt(WhatsApp(("en-US", new TemplateVersion(null, sid, null))), "versions.en-US.contentSid");
    }

    [Theory]
    [InlineData("hx0123456789abcdef0123456789abcdef")]
    [InlineData("MG0123456789abcdef0123456789abcdef")]
    [InlineData("HX0123456789abcdef0123456789abcde")]
    [InlineData("HX0123456789abcdef0123456789abcdef0")]
    [InlineData("HX0123456789abcdef0123456789abcdeg")]
    [InlineData(" HX0123456789abcdef0123456789abcdef")]
    public void Validate_rejects_a_malformed_content_sid(string sid)
    {
        AssertOnlyErrorAt(WhatsApp(("en-US", new TemplateVersion(null, sid, null))), "versions.en-US.contentSid");
    }

    [Fact]
    public void Validate_rejects_a_body_on_a_whatsapp_version()
    {
        AssertOnlyErrorAt(WhatsApp(("en-US", new TemplateVersion("Hi", Sid, null))), "versions.en-US.body");
    }

    [Fact]
    public void Validate_rejects_an_empty_variable_key()
    {
        AssertOnlyErrorAt(WhatsAppWithVariables(("", "Name")), "versions.en-US.variables");
    }

    [Fact]
    public void Validate_rejects_a_variable_key_over_64_characters()
    {
        var key = new string('k', 65);

        AssertOnlyErrorAt(WhatsAppWithVariables((key, "Name")), $"versions.en-US.variables.{key}");
    }

    [Fact]
    public void Validate_accepts_a_variable_key_of_64_characters()
    {
        Assert.Empty(TemplateValidator.Validate(WhatsAppWithVariables((new string('k', 64), "Name"))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("first name")]
    [InlineData("{Name}")]
    [InlineData("1st")]
    public void Validate_rejects_a_variable_that_is_not_a_slug_name(string slug)
    {
        AssertOnlyErrorAt(WhatsAppWithVariables(("1", "Name"), ("2", slug)), "versions.en-US.variables.2");
    }

    [Fact]
    public void Validate_reports_every_error_at_once()
    {
        var template = new MessageTemplate(
            "",
            ChannelType.Sms,
            "xx-YY",
            ImmutableDictionary<string, TemplateVersion>.Empty.Add("fr", new TemplateVersion("Hi {", Sid, null)));

        Assert.Equal(
            ["defaultLocale", "name", "versions.fr.body", "versions.fr.contentSid"],
            TemplateValidator.Validate(template).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Normalize_canonicalizes_version_keys_and_default_locale()
    {
        var template = Sms(("en-us", TemplateVersion.Sms("Hi")), ("FR-ca", TemplateVersion.Sms("Salut"))) with { DefaultLocale = "EN-US" };

        var normalized = TemplateValidator.Normalize(template);

        Assert.Equal("en-US", normalized.DefaultLocale);
        Assert.Equal(["en-US", "fr-CA"], normalized.Versions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Salut", normalized.Versions["fr-CA"].Body);
    }

    [Fact]
    public void Normalize_rejects_an_invalid_template()
    {
        Assert.Throws<ArgumentException>(() => TemplateValidator.Normalize(ValidSms() with { DefaultLocale = "xx-YY" }));
    }
}
