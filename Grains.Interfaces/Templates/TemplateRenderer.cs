using Outbound.Catalog;

namespace Outbound.Templates;

/// <summary>Renders a validated template for one recipient.</summary>
public static class TemplateRenderer
{
    /// <summary>
    /// The longest SMS text, in characters (UTF-16 code units): Twilio's limit on a message's <c>Body</c>. A longer
    /// text can never be sent, so rendering stops there instead of building it.
    /// </summary>
    public const int MaxSmsTextLength = 1_600;

    /// <summary>
    /// The longest WhatsApp content-variable value, in characters: a WhatsApp template's body is at most 1,024
    /// characters, so a longer value can never be delivered.
    /// </summary>
    public const int MaxWhatsAppVariableLength = 1_024;

    private static readonly Comparer<string> s_variableKeyOrder = Comparer<string>.Create(CompareVariableKeys);

    /// <summary>
    /// Picks the version for <paramref name="locale"/> (see <see cref="LocaleResolver"/>) and fills its slugs from
    /// <paramref name="contextItems"/>, whose keys match slug names case-insensitively. SMS gives the text with its
    /// encoding and segment count; WhatsApp gives the Content SID and content variables. If any slug has no value
    /// (no such key, or a <see langword="null"/> value) the result lists every such slug as written in the template.
    /// A text longer than <see cref="MaxSmsTextLength"/> or a variable longer than <see cref="MaxWhatsAppVariableLength"/>
    /// is never built: the result says which limit it would break.
    /// </summary>
    /// <exception cref="InvalidOperationException">The template is not valid (see <see cref="TemplateValidator"/>).</exception>
    public static RenderResult Render(MessageTemplate template, string? locale, IReadOnlyDictionary<string, string> contextItems)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(contextItems);

        var resolved = LocaleResolver.Resolve(template.Versions.Keys.ToArray(), locale, template.DefaultLocale);
        if (!template.Versions.TryGetValue(resolved, out var version) || version is null)
        {
            throw Invalid(template, $"it has no version for its default locale '{template.DefaultLocale}'");
        }

        return template.ChannelType switch
        {
            ChannelType.Sms => RenderSms(template, resolved, version, contextItems),
            ChannelType.WhatsApp => RenderWhatsApp(template, resolved, version, contextItems),
            _ => throw Invalid(template, $"its channel type {template.ChannelType} is unknown"),
        };
    }

    private static RenderResult RenderSms(
        MessageTemplate template, string locale, TemplateVersion version, IReadOnlyDictionary<string, string> contextItems)
    {
        if (version.Body is null)
        {
            throw Invalid(template, $"its '{locale}' version has no body");
        }

        if (!SlugTemplate.TryParse(version.Body, out var body, out var error))
        {
            throw Invalid(template, $"the body of its '{locale}' version does not parse: {error.TrimEnd('.')}");
        }

        switch (body.Render(slug => ValueOf(contextItems, slug), MaxSmsTextLength, out var text, out var missing))
        {
            case SlugRenderOutcome.Missing:
                return RenderResult.Missing(missing);
            case SlugRenderOutcome.TooLong:
                return RenderResult.Exceeded(new RenderLimitExceeded(
                    "contextitems", $"The rendered text would be longer than {MaxSmsTextLength} characters, the most an SMS carries."));
        }

        // Rendered: the text is set.
        var encoding = SmsEncoding.Analyze(text!);
        return RenderResult.Rendered(new RenderedMessage(locale, text, encoding.Encoding, encoding.Segments, null, null));
    }

    private static RenderResult RenderWhatsApp(
        MessageTemplate template, string locale, TemplateVersion version, IReadOnlyDictionary<string, string> contextItems)
    {
        if (string.IsNullOrEmpty(version.ContentSid))
        {
            throw Invalid(template, $"its '{locale}' version has no contentSid");
        }

        var variables = version.Variables ?? ImmutableDictionary<string, string>.Empty;
        var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        ImmutableArray<string>.Builder? missing = null;
        RenderLimitExceeded? tooLong = null;

        // Key order (numeric keys numerically) so the missing list is the same on every render.
        foreach (var (key, slug) in variables.OrderBy(v => v.Key, s_variableKeyOrder))
        {
            if (ValueOf(contextItems, slug) is { } value)
            {
                if (value.Length > MaxWhatsAppVariableLength)
                {
                    tooLong ??= new RenderLimitExceeded(
                        $"contextitems.{slug}", $"A WhatsApp variable value is at most {MaxWhatsAppVariableLength} characters.");
                }
                else
                {
                    values.Add(key, value);
                }
            }
            else if (missing is null || !missing.Contains(slug, StringComparer.OrdinalIgnoreCase))
            {
                (missing ??= ImmutableArray.CreateBuilder<string>()).Add(slug);
            }
        }

        return missing is not null ? RenderResult.Missing(missing.ToImmutable())
            : tooLong is not null ? RenderResult.Exceeded(tooLong)
            : RenderResult.Rendered(new RenderedMessage(locale, null, null, 0, version.ContentSid, values.ToImmutable()));
    }

    // Slug names are not case-sensitive. An exact key wins; otherwise, if several keys differ only in case, the
    // ordinal-smallest one wins so the choice never depends on dictionary order. Null values count as absent.
    private static string? ValueOf(IReadOnlyDictionary<string, string> contextItems, string slug)
    {
        if (contextItems.TryGetValue(slug, out var exact) && exact is not null)
        {
            return exact;
        }

        string? bestKey = null;
        string? bestValue = null;
        foreach (var (key, value) in contextItems)
        {
            if (value is not null
                && key.Equals(slug, StringComparison.OrdinalIgnoreCase)
                && (bestKey is null || string.CompareOrdinal(key, bestKey) < 0))
            {
                bestKey = key;
                bestValue = value;
            }
        }

        return bestValue;
    }

    // "2" before "10": all-digit keys (Twilio's usual "1", "2", ...) compare as numbers, the rest ordinally.
    private static int CompareVariableKeys(string? x, string? y)
    {
        if (x is not null && y is not null && x.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && y.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
        {
            var x1 = x.TrimStart('0');
            var y1 = y.TrimStart('0');
            var byLength = x1.Length.CompareTo(y1.Length);
            if (byLength != 0)
            {
                return byLength;
            }

            var byDigits = string.CompareOrdinal(x1, y1);
            return byDigits != 0 ? byDigits : string.CompareOrdinal(x, y);
        }

        return string.CompareOrdinal(x, y);
    }

    private static InvalidOperationException Invalid(MessageTemplate template, string why) =>
        new($"Template '{template.Name}' cannot be rendered: {why}. Templates must pass TemplateValidator before use.");
}
