using System.Text.Json;
using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Templates;

/// <summary><c>contextitems</c> of a send or a render: slug values by slug name, which is not case-sensitive.</summary>
public static class ContextItems
{
    /// <summary>
    /// The values given, by slug name in any case. Two keys differing only in case name one slug twice; the second
    /// is an error, at <c>{field}.{key}</c>.
    /// </summary>
    public static ImmutableDictionary<string, string> Read(Dictionary<string, string?>? items, string field, FieldErrors errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in items ?? [])
        {
            if (!seen.Add(key))
            {
                errors.Add($"{field}.{key}", $"contextitems names '{key}' twice, in different case; slug names are not case-sensitive.");
            }
            else if (value is not null)
            {
                values.Add(key, value);
            }
        }

        return values.ToImmutable();
    }

    /// <summary>
    /// Adds the slug values a contact gives beside its own fields, as the reference's contact list writes them
    /// (<c>CustomerName</c> next to <c>tocontactid</c>), to <paramref name="values"/>. A value is a string; null is
    /// ignored. The same slug given twice, in any case and here or in <c>contextitems</c>, must have the same value:
    /// otherwise it is an error at <c>{field}.{name}</c> (<c>{name}</c> when <paramref name="field"/> is empty), as the
    /// reference errs when the values differ.
    /// </summary>
    public static ImmutableDictionary<string, string> Merge(
        ImmutableDictionary<string, string> values, IReadOnlyDictionary<string, JsonElement>? besides, string field, FieldErrors errors)
    {
        if (besides is not { Count: > 0 })
        {
            return values;
        }

        var merged = values.ToBuilder();
        var at = field.Length == 0 ? "" : field + ".";
        foreach (var (name, element) in besides)
        {
            if (element.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            // Strict, as contextitems is: a number or a boolean has no single text form a message could show.
            if (element.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{at}{name}", $"'{name}' is a slug value: a string (or null, which is ignored).");
                continue;
            }

            var value = element.GetString()!;
            if (!merged.TryGetValue(name, out var given))
            {
                merged.Add(name, value);
            }
            else if (!string.Equals(given, value, StringComparison.Ordinal))
            {
                errors.Add($"{at}{name}", $"The slug '{name}' is given twice with different values; slug names are not case-sensitive.");
            }
        }

        return merged.ToImmutable();
    }
}
