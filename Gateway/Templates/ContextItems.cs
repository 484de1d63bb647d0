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
}
