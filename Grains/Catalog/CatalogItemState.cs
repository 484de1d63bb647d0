namespace Outbound.Grains.Catalog;

/// <summary>The stored form of a catalog item. Persisted as JSON without type names, so renaming this class is safe.</summary>
[GenerateSerializer]
public sealed class CatalogItemState<TItem>
    where TItem : class
{
    [Id(0)] public TItem? Item { get; set; }
    [Id(1)] public int Version { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Outbound configurations that use this item (channels and templates only).</summary>
    [Id(4)] public HashSet<Guid> UsedBy { get; set; } = [];
}
