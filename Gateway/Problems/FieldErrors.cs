namespace Outbound.Gateway.Problems;

/// <summary>Collects request errors by JSON field path, for one RFC 9457 validation problem.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    /// <summary>The errors so far, by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    /// <summary>Forgets the errors, so one instance can check many items in turn (an audience's rows).</summary>
    public void Clear() => _errors.Clear();

    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    /// <summary>Maps a wire name (for example <c>whatsapp</c>) to its enum value, or records an error naming the choices.</summary>
    public TEnum? Choice<TEnum>(string? value, string field, IReadOnlyDictionary<string, TEnum> choices)
        where TEnum : struct, Enum
    {
        if (value is not null && choices.TryGetValue(value, out var parsed))
        {
            return parsed;
        }

        Add(field, $"{field} must be one of: {string.Join(", ", choices.Keys.Select(k => $"'{k}'"))}.");
        return null;
    }

    public IResult ToProblem() => Problem.Validation(_errors);
}
