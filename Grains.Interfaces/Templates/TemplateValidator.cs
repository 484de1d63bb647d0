using System.Text.RegularExpressions;
using Outbound.Catalog;

namespace Outbound.Templates;

/// <summary>Validates and normalizes message templates before they are stored.</summary>
public static partial class TemplateValidator
{
    /// <summary>The longest template name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest SMS body accepted, in UTF-16 characters: the SMS provider's limit for one message.</summary>
    public const int MaxBodyLength = 1_600;

    /// <summary>The longest WhatsApp content-variable key accepted.</summary>
    public const int MaxVariableKeyLength = 64;

    /// <summary>
    /// Checks every rule and returns the errors keyed by JSON field path as the HTTP API names them
    /// (<c>name</c>, <c>defaultLocale</c>, <c>versions</c>, <c>versions.{locale}</c>, <c>versions.{locale}.body</c>,
    /// <c>versions.{locale}.contentSid</c>, <c>versions.{locale}.variables</c>,
    /// <c>versions.{locale}.variables.{key}</c>), with the locale and key as the caller wrote them.
    /// An empty dictionary means the template is valid.
    /// </summary>
    public static ImmutableDictionary<string, string[]> Validate(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        if (string.IsNullOrWhiteSpace(template.Name))
        {
            errors.AddError("name", "name is required.");
        }
        else if (template.Name.Length > MaxNameLength)
        {
            errors.AddError("name", $"name must be at most {MaxNameLength} characters.");
        }

        // A number from JSON can be outside the enum; the per-channel version rules are skipped then.
        var channelKnown = Enum.IsDefined(template.ChannelType);
        if (!channelKnown)
        {
            errors.AddError("channelType", $"channelType must be one of: {string.Join(", ", Enum.GetNames<ChannelType>())}.");
        }

        var versions = template.Versions ?? ImmutableDictionary<string, TemplateVersion>.Empty;
        if (versions.IsEmpty)
        {
            errors.AddError("versions", "At least one version is required.");
        }

        // Canonical locale → the keys as written, to report keys that name the same locale.
        var keysByLocale = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, version) in versions)
        {
            var path = $"versions.{key}";
            if (!LocaleNames.TryNormalize(key, out var canonical))
            {
                errors.AddError(path, $"'{key}' is not a known locale.");
            }
            else if (keysByLocale.TryGetValue(canonical, out var keys))
            {
                keys.Add(key);
            }
            else
            {
                keysByLocale.Add(canonical, [key]);
            }

            if (version is null)
            {
                errors.AddError(path, "The version is required.");
            }
            else if (channelKnown)
            {
                ValidateVersion(template.ChannelType, path, version, errors);
            }
        }

        foreach (var (canonical, keys) in keysByLocale)
        {
            if (keys.Count > 1)
            {
                foreach (var key in keys)
                {
                    var others = string.Join(", ", keys.Where(k => k != key).Order(StringComparer.Ordinal).Select(k => $"'{k}'"));
                    errors.AddError($"versions.{key}", $"'{key}' is the same locale ({canonical}) as {others}.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(template.DefaultLocale))
        {
            errors.AddError("defaultLocale", "defaultLocale is required.");
        }
        else if (!LocaleNames.TryNormalize(template.DefaultLocale, out var defaultLocale))
        {
            errors.AddError("defaultLocale", $"'{template.DefaultLocale}' is not a known locale.");
        }
        else if (!keysByLocale.ContainsKey(defaultLocale))
        {
            errors.AddError("defaultLocale", "defaultLocale must have a version.");
        }

        return errors.ToImmutableDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Returns <paramref name="template"/> with its version keys and default locale in canonical form
    /// (<c>fr-ca</c> → <c>fr-CA</c>). Call only after <see cref="Validate"/> found no error.
    /// </summary>
    /// <exception cref="ArgumentException">A locale is unknown or two version keys name the same locale.</exception>
    public static MessageTemplate Normalize(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);

        if (!LocaleNames.TryNormalize(template.DefaultLocale, out var defaultLocale))
        {
            throw new ArgumentException($"defaultLocale '{template.DefaultLocale}' is not a known locale; validate the template first.", nameof(template));
        }

        var versions = ImmutableDictionary.CreateBuilder<string, TemplateVersion>(StringComparer.Ordinal);
        foreach (var (key, version) in template.Versions)
        {
            if (!LocaleNames.TryNormalize(key, out var canonical))
            {
                throw new ArgumentException($"Version key '{key}' is not a known locale; validate the template first.", nameof(template));
            }

            if (!versions.TryAdd(canonical, version))
            {
                throw new ArgumentException($"Two version keys name the locale '{canonical}'; validate the template first.", nameof(template));
            }
        }

        return template with { DefaultLocale = defaultLocale, Versions = versions.ToImmutable() };
    }

    private static void ValidateVersion(ChannelType channel, string path, TemplateVersion version, Dictionary<string, List<string>> errors)
    {
        if (channel == ChannelType.Sms)
        {
            if (string.IsNullOrWhiteSpace(version.Body))
            {
                errors.AddError($"{path}.body", "body is required for an SMS version.");
            }
            else if (version.Body.Length > MaxBodyLength)
            {
                errors.AddError($"{path}.body", $"body must be at most {MaxBodyLength} characters.");
            }
            else if (!SlugTemplate.TryParse(version.Body, out _, out var error))
            {
                errors.AddError($"{path}.body", error);
            }

            if (version.ContentSid is not null)
            {
                errors.AddError($"{path}.contentSid", "An SMS version has no contentSid.");
            }

            if (version.Variables is not null)
            {
                errors.AddError($"{path}.variables", "An SMS version has no variables; put {Slug} placeholders in the body.");
            }

            return;
        }

        if (version.Body is not null)
        {
            errors.AddError($"{path}.body", "A WhatsApp version has no body; its text is in the Content Template.");
        }

        if (string.IsNullOrWhiteSpace(version.ContentSid))
        {
            errors.AddError($"{path}.contentSid", "contentSid is required for a WhatsApp version.");
        }
        else if (!ContentSidPattern().IsMatch(version.ContentSid))
        {
            errors.AddError($"{path}.contentSid", "contentSid must be 'HX' followed by 32 hexadecimal digits.");
        }

        foreach (var (key, slug) in version.Variables ?? ImmutableDictionary<string, string>.Empty)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                errors.AddError($"{path}.variables", "A variable key must not be empty.");
                continue;
            }

            var keyPath = $"{path}.variables.{key}";
            if (key.Length > MaxVariableKeyLength)
            {
                errors.AddError(keyPath, $"A variable key must be at most {MaxVariableKeyLength} characters.");
            }

            if (!SlugTemplate.IsValidSlugName(slug))
            {
                errors.AddError(keyPath, $"'{slug}' is not a valid slug name: it starts with a letter or '_' and has only letters, digits and '_'.");
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is a Twilio Content Template SID: <c>HX</c> and 32 hexadecimal digits.</summary>
    public static bool IsContentSid(string? value) => value is not null && ContentSidPattern().IsMatch(value);

    [GeneratedRegex("^HX[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentSidPattern();

    // Keeps each path's messages in the order found.
    private static void AddError(this Dictionary<string, List<string>> errors, string path, string message)
    {
        if (!errors.TryGetValue(path, out var messages))
        {
            errors.Add(path, messages = []);
        }

        messages.Add(message);
    }
}
