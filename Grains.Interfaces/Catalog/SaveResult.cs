namespace Outbound.Catalog;

/// <summary>What happened to a create or replace.</summary>
public enum SaveStatus
{
    Saved = 0,
    NotFound = 1,
    Invalid = 2,
}

/// <summary>
/// The result of saving a catalog item: the stored item, or the validation errors keyed by the
/// JSON field path the HTTP API names (for example <c>versions.fr-FR.body</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Outbound.SaveResult`1")]
public sealed record SaveResult<TItem>(
    [property: Id(0)] SaveStatus Status,
    [property: Id(1)] StoredItem<TItem>? Saved,
    [property: Id(2)] ImmutableDictionary<string, string[]> Errors)
    where TItem : class
{
    public static SaveResult<TItem> Ok(StoredItem<TItem> saved) => new(SaveStatus.Saved, saved, ImmutableDictionary<string, string[]>.Empty);

    public static SaveResult<TItem> NotFound() => new(SaveStatus.NotFound, null, ImmutableDictionary<string, string[]>.Empty);

    public static SaveResult<TItem> Invalid(ImmutableDictionary<string, string[]> errors) => new(SaveStatus.Invalid, null, errors);
}

/// <summary>What happened to a delete.</summary>
public enum DeleteStatus
{
    Deleted = 0,
    NotFound = 1,
    /// <summary>Outbound configurations still use the item; delete or re-point them first.</summary>
    InUse = 2,
}

[GenerateSerializer, Immutable, Alias("Outbound.DeleteResult")]
public sealed record DeleteResult(
    [property: Id(0)] DeleteStatus Status,
    [property: Id(1)] ImmutableArray<Guid> UsedBy);
