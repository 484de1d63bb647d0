namespace Outbound.Catalog;

/// <summary>A catalog item as stored, with its bookkeeping.</summary>
/// <param name="Version">Starts at 1 and grows by one on every replace.</param>
[GenerateSerializer, Immutable, Alias("Outbound.StoredItem`1")]
public sealed record StoredItem<TItem>(
    [property: Id(0)] Guid Id,
    [property: Id(1)] TItem Item,
    [property: Id(2)] int Version,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt)
    where TItem : class;
