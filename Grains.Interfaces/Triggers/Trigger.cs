using System.Text.Json;

namespace Outbound.Triggers;

/// <summary>
/// A rule of the automated flow: each event of <see cref="EventType"/> whose <c>data</c> passes <see cref="Filter"/>
/// sends one message through <see cref="ConfigurationId"/>, to the contact <see cref="Contact"/> reads from the data.
/// </summary>
/// <param name="Delay">The message waits until the event's time plus this long; null sends at once.</param>
[GenerateSerializer, Immutable, Alias("Outbound.Trigger")]
public sealed record Trigger(
    [property: Id(0)] string Name,
    [property: Id(1)] string EventType,
    [property: Id(2)] Guid ConfigurationId,
    [property: Id(3)] ImmutableArray<TriggerCondition> Filter,
    [property: Id(4)] ContactMapping Contact,
    [property: Id(5)] TimeSpan? Delay)
{
    public const int MaxNameLength = 200;
    public const int MaxEventTypeLength = 256;
    public const int MaxConditions = 20;
    public const int MaxPointerLength = 256;
    public const int MaxEqualsLength = 1_024;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(30);

    /// <summary>Whether every condition of the filter holds for <paramref name="data"/> (an empty filter always does).</summary>
    public bool Matches(JsonElement? data) => Filter.All(c => c.Holds(data));
}

/// <summary>
/// One condition on the event's <c>data</c>, at the JSON Pointer <see cref="Path"/>: with <see cref="EqualsJson"/>,
/// the value there equals that JSON value (a string, number, boolean or null); with <see cref="Exists"/>, a value is
/// there (true) or none is (false).
/// </summary>
[GenerateSerializer, Immutable, Alias("Outbound.TriggerCondition")]
public sealed record TriggerCondition(
    [property: Id(0)] string Path,
    [property: Id(1)] string? EqualsJson,
    [property: Id(2)] bool? Exists)
{
    public bool Holds(JsonElement? data)
    {
        var found = data is { } root && JsonPointer.TryResolve(root, Path, out var value) ? value : (JsonElement?)null;
        if (Exists is { } wanted)
        {
            return (found is not null) == wanted;
        }

        if (found is not { } actual || EqualsJson is null)
        {
            return false;
        }

        using var expected = JsonDocument.Parse(EqualsJson);
        return JsonElement.DeepEquals(actual, expected.RootElement);
    }
}

/// <summary>Where in the event's <c>data</c> each contact field is, as JSON Pointers (RFC 6901).</summary>
/// <param name="OptIn">
/// A boolean in the data; null when the trigger's own consent applies (the org sends this notice to every customer the
/// event names, as for a case they opened). Opted-out customers are skipped either way.
/// </param>
/// <param name="ContextItems">Slug name → pointer to a string, number or boolean.</param>
[GenerateSerializer, Immutable, Alias("Outbound.ContactMapping")]
public sealed record ContactMapping(
    [property: Id(0)] string ToContactId,
    [property: Id(1)] string? OptIn,
    [property: Id(2)] string? Locale,
    [property: Id(3)] ImmutableDictionary<string, string> ContextItems,
    [property: Id(4)] string? EntityRelationshipName)
{
    public const int MaxContextItems = 50;
}
