using System.Collections.Immutable;
using Outbound.Templates;

namespace Outbound.Tests.Templates;

public sealed class SlugTemplateTests
{
    [Fact]
    public void TryParse_lists_slugs_in_first_appearance_order()
    {
        Assert.True(SlugTemplate.TryParse("Hi {First} {Last}, bye {First}", out var template, out _));

        Assert.Equal<string>(["First", "Last"], template.Slugs);
    }

    [Fact]
    public void TryParse_lists_slugs_differing_only_in_case_once_as_first_written()
    {
        Assert.True(SlugTemplate.TryParse("{CustomerName} / {customername}", out var template, out _));

        Assert.Equal<string>(["CustomerName"], template.Slugs);
    }

    [Fact]
    public void TryParse_accepts_a_body_without_slugs()
    {
        Assert.True(SlugTemplate.TryParse("Your code is ready.", out var template, out var error));

        Assert.Null(error);
        Assert.Empty(template.Slugs);
    }

    [Theory]
    [InlineData("{_}")]
    [InlineData("{a}")]
    [InlineData("{Order_Id2}")]
    [InlineData("{A}{B}")]
    public void TryParse_accepts_valid_slug_names(string body)
    {
        Assert.True(SlugTemplate.TryParse(body, out _, out var error), error);
    }

    [Fact]
    public void TryParse_rejects_an_opening_brace_without_a_closing_one()
    {
        Assert.False(SlugTemplate.TryParse("Hi {Name, welcome", out _, out var error));

        Assert.Contains("Unbalanced braces", error);
        Assert.Contains("index 3", error);
    }

    [Fact]
    public void TryParse_rejects_a_closing_brace_without_an_opening_one()
    {
        Assert.False(SlugTemplate.TryParse("Hi Name}", out _, out var error));

        Assert.Contains("Unbalanced braces", error);
        Assert.Contains("index 7", error);
    }

    [Fact]
    public void TryParse_rejects_a_nested_opening_brace()
    {
        Assert.False(SlugTemplate.TryParse("{a{b}}", out _, out var error));

        Assert.Contains("Nested", error);
        Assert.Contains("index 2", error);
    }

    [Fact]
    public void TryParse_rejects_an_empty_slug()
    {
        Assert.False(SlugTemplate.TryParse("Hi {}", out _, out var error));

        Assert.Contains("Empty slug", error);
        Assert.Contains("index 3", error);
    }

    [Theory]
    [InlineData("{1st}")]
    [InlineData("{first name}")]
    [InlineData("{ Name}")]
    [InlineData("{order-id}")]
    [InlineData("{café}")]
    public void TryParse_rejects_an_invalid_slug_name(string body)
    {
        Assert.False(SlugTemplate.TryParse(body, out _, out var error));

        Assert.Contains("Invalid slug name", error);
        Assert.Contains("index 0", error);
    }

    [Theory]
    [InlineData("Name", true)]
    [InlineData("_name", true)]
    [InlineData("n4me", true)]
    [InlineData("4name", false)]
    [InlineData("na me", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidSlugName_follows_the_slug_grammar(string? name, bool valid)
    {
        Assert.Equal(valid, SlugTemplate.IsValidSlugName(name));
    }

    [Fact]
    public void TryRender_replaces_slugs_with_values()
    {
        Assert.True(SlugTemplate.TryParse("Hi {First} {Last}!", out var template, out _));

        Assert.True(template.TryRender(slug => slug == "First" ? "Ana" : "Silva", out var text, out var missing));

        Assert.Equal("Hi Ana Silva!", text);
        Assert.Empty(missing);
    }

    [Fact]
    public void TryRender_inserts_a_value_containing_a_slug_literally()
    {
        Assert.True(SlugTemplate.TryParse("Hi {Name}", out var template, out _));

        Assert.True(template.TryRender(slug => slug == "Name" ? "{Other}" : "expanded", out var text, out _));

        Assert.Equal("Hi {Other}", text);
    }

    [Fact]
    public void TryRender_reports_every_slug_without_a_value()
    {
        Assert.True(SlugTemplate.TryParse("{A} {B} {C} {A}", out var template, out _));

        Assert.False(template.TryRender(slug => slug == "B" ? "b" : null, out var text, out var missing));

        Assert.Null(text);
        Assert.Equal<string>(["A", "C"], missing);
    }

    [Fact]
    public void TryRender_asks_once_per_distinct_slug()
    {
        Assert.True(SlugTemplate.TryParse("{A}{a}{A}", out var template, out _));
        var asked = new List<string>();

        Assert.True(template.TryRender(slug => { asked.Add(slug); return "x"; }, out var text, out _));

        Assert.Equal("xxx", text);
        Assert.Equal(["A"], asked);
    }
}
