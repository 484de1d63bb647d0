using System.Collections.Immutable;
using Outbound.Catalog;
using Outbound.Templates;

namespace Outbound.Tests.Templates;

public sealed class TemplateRendererTests
{
    private const string Sid = "HX0123456789abcdef0123456789abcdef";

    private static MessageTemplate Sms(params (string Locale, string Body)[] versions) =>
        new("Welcome", ChannelType.Sms, "en-US", versions.ToImmutableDictionary(v => v.Locale, v => TemplateVersion.Sms(v.Body)));

    private static MessageTemplate WhatsApp(params (string Key, string Slug)[] variables) =>
        new(
            "Welcome",
            ChannelType.WhatsApp,
            "en-US",
            ImmutableDictionary<string, TemplateVersion>.Empty.Add(
                "en-US",
                TemplateVersion.WhatsApp(Sid, variables.ToImmutableDictionary(v => v.Key, v => v.Slug))));

    private static Dictionary<string, string> Context(params (string Key, string Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value);

    private static RenderedMessage Rendered(RenderResult result)
    {
        Assert.Empty(result.MissingSlugs);
        return Assert.IsType<RenderedMessage>(result.Message);
    }

    private static MessageTemplate Localized() =>
        Sms(("en-US", "Hello {Name}"), ("fr", "Bonjour {Name}"), ("fr-CA", "Allô {Name}"));

    [Fact]
    public void Render_fills_sms_slugs_and_measures_the_text()
    {
        var message = Rendered(TemplateRenderer.Render(Sms(("en-US", "Hi {First} {Last}!")), "en-US", Context(("First", "Ana"), ("Last", "Silva"))));

        Assert.Equal(new RenderedMessage("en-US", "Hi Ana Silva!", "GSM-7", 1, null, null), message);
    }

    [Fact]
    public void Render_uses_the_exact_locale()
    {
        Assert.Equal("Allô Ana", Rendered(TemplateRenderer.Render(Localized(), "fr-CA", Context(("Name", "Ana")))).Text);
    }

    [Fact]
    public void Render_matches_the_locale_case_insensitively()
    {
        var message = Rendered(TemplateRenderer.Render(Localized(), "FR-ca", Context(("Name", "Ana"))));

        Assert.Equal(("fr-CA", "Allô Ana"), (message.Locale, message.Text));
    }

    [Fact]
    public void Render_falls_back_from_region_to_language()
    {
        var message = Rendered(TemplateRenderer.Render(Localized(), "fr-FR", Context(("Name", "Ana"))));

        Assert.Equal(("fr", "Bonjour Ana"), (message.Locale, message.Text));
    }

    [Fact]
    public void Render_falls_back_from_language_to_the_default()
    {
        var message = Rendered(TemplateRenderer.Render(Localized(), "de-DE", Context(("Name", "Ana"))));

        Assert.Equal(("en-US", "Hello Ana"), (message.Locale, message.Text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xx-YY")]
    public void Render_uses_the_default_for_a_missing_or_unknown_locale(string? locale)
    {
        Assert.Equal("en-US", Rendered(TemplateRenderer.Render(Localized(), locale, Context(("Name", "Ana")))).Locale);
    }

    [Theory]
    [InlineData("Καλημέρα")]
    [InlineData("こんにちは")]
    [InlineData("مرحبا")]
    [InlineData("Zoë 👋")]
    public void Render_inserts_non_latin_values_and_sends_them_as_ucs2(string name)
    {
        var message = Rendered(TemplateRenderer.Render(Sms(("en-US", "Hi {Name}")), null, Context(("Name", name))));

        Assert.Equal(("Hi " + name, "UCS-2", 1), (message.Text, message.Encoding, message.Segments));
    }

    [Fact]
    public void Render_inserts_a_value_containing_a_slug_literally()
    {
        var result = TemplateRenderer.Render(Sms(("en-US", "{Greeting}, {Name}")), null, Context(("Greeting", "Hi {Name}"), ("Name", "Ana")));

        Assert.Equal("Hi {Name}, Ana", Rendered(result).Text);
    }

    [Fact]
    public void Render_looks_up_slugs_case_insensitively()
    {
        var result = TemplateRenderer.Render(Sms(("en-US", "Hi {customername}")), null, Context(("CustomerName", "Ana")));

        Assert.Equal("Hi Ana", Rendered(result).Text);
    }

    [Fact]
    public void Render_prefers_the_context_key_with_the_exact_case()
    {
        var result = TemplateRenderer.Render(Sms(("en-US", "Hi {Name}")), null, Context(("NAME", "Shout"), ("Name", "Ana"), ("name", "low")));

        Assert.Equal("Hi Ana", Rendered(result).Text);
    }

    [Fact]
    public void Render_lists_every_missing_slug_as_written_in_the_template()
    {
        var result = TemplateRenderer.Render(Sms(("en-US", "{First} {Middle} {Last} {first}")), null, Context(("first", "Ana")));

        Assert.Null(result.Message);
        Assert.Equal<string>(["Middle", "Last"], result.MissingSlugs);
    }

    [Fact]
    public void Render_treats_a_null_value_as_missing()
    {
        var result = TemplateRenderer.Render(Sms(("en-US", "Hi {Name}")), null, Context(("Name", null!)));

        Assert.Equal<string>(["Name"], result.MissingSlugs);
    }

    [Fact]
    public void Render_accepts_an_empty_value()
    {
        Assert.Equal("Hi !", Rendered(TemplateRenderer.Render(Sms(("en-US", "Hi {Name}!")), null, Context(("Name", "")))).Text);
    }

    [Fact]
    public void Render_counts_segments_of_the_rendered_text()
    {
        var message = Rendered(TemplateRenderer.Render(Sms(("en-US", "Code: {Code}")), null, Context(("Code", new string('9', 155)))));

        Assert.Equal(("GSM-7", 2), (message.Encoding, message.Segments));
    }

    [Fact]
    public void Render_fills_whatsapp_content_variables()
    {
        var result = TemplateRenderer.Render(WhatsApp(("1", "Name"), ("2", "OrderId")), "en-US", Context(("Name", "Ana"), ("OrderId", "A-17"), ("Unused", "x")));

        var message = Rendered(result);
        Assert.Equal("en-US", message.Locale);
        Assert.Equal(Sid, message.ContentSid);
        Assert.Equal(new Dictionary<string, string> { ["1"] = "Ana", ["2"] = "A-17" }, message.ContentVariables);
        Assert.Equal((null, null, 0), (message.Text, message.Encoding, message.Segments));
    }

    [Fact]
    public void Render_looks_up_whatsapp_slugs_case_insensitively()
    {
        var message = Rendered(TemplateRenderer.Render(WhatsApp(("1", "CustomerName")), null, Context(("customername", "Ana"))));

        Assert.Equal("Ana", message.ContentVariables!["1"]);
    }

    [Fact]
    public void Render_lists_every_missing_whatsapp_slug_in_variable_key_order()
    {
        var result = TemplateRenderer.Render(WhatsApp(("10", "Total"), ("2", "OrderId"), ("1", "Name"), ("3", "orderid")), null, Context(("Name", "Ana")));

        Assert.Null(result.Message);
        Assert.Equal<string>(["OrderId", "Total"], result.MissingSlugs);
    }

    [Fact]
    public void Render_gives_whatsapp_without_variables_empty_content_variables()
    {
        var message = Rendered(TemplateRenderer.Render(WhatsApp(), null, Context()));

        Assert.Empty(message.ContentVariables!);
    }

    [Fact]
    public void Render_rejects_a_template_without_a_default_version()
    {
        var template = Sms(("fr", "Salut")) with { DefaultLocale = "en-US" };

        Assert.Throws<InvalidOperationException>(() => TemplateRenderer.Render(template, null, Context()));
    }

    [Fact]
    public void An_sms_longer_than_1600_characters_is_refused_naming_contextitems_without_being_built()
    {
        // The amplification of a slug repeated 533 times with a 100,000-character value: 53 million characters.
        var template = Sms(("en-US", string.Concat(Enumerable.Repeat("{A}", 533))));
        var value = new string('x', 100_000);
        var context = Context(("A", value));
        TemplateRenderer.Render(template, "en-US", context); // warm up, so the measure below is the render alone

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = TemplateRenderer.Render(template, "en-US", context);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(result.Message);
        Assert.Equal("contextitems", result.TooLong?.Field);
        Assert.InRange(allocated, 0, 64 * 1024); // far below even one copy of the value (200 KB)
    }

    [Fact]
    public void An_sms_of_exactly_1600_characters_renders()
    {
        var message = Rendered(TemplateRenderer.Render(Sms(("en-US", "{A}{A}")), "en-US", Context(("A", new string('x', 800)))));

        Assert.Equal(TemplateRenderer.MaxSmsTextLength, message.Text!.Length);
    }

    [Fact]
    public void A_whatsapp_variable_longer_than_1024_characters_is_refused_naming_its_slug()
    {
        var template = WhatsApp(("1", "Name"), ("2", "Note"));

        var result = TemplateRenderer.Render(template, null, Context(("Name", "Ana"), ("Note", new string('x', 1_025))));
        var fits = TemplateRenderer.Render(template, null, Context(("Name", "Ana"), ("Note", new string('x', 1_024))));

        Assert.Null(result.Message);
        Assert.Equal("contextitems.Note", result.TooLong?.Field);
        Assert.Equal(1_024, Rendered(fits).ContentVariables!["2"].Length);
    }
}
