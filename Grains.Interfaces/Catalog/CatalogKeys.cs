namespace Outbound.Catalog;

/// <summary>
/// Grain keys for org-owned items. Every key starts with the org id, so an id from another org simply
/// names a grain that holds nothing: tenant isolation by construction, not by a check someone can forget.
/// </summary>
public static class CatalogKeys
{
    public static string Item(Guid orgId, Guid itemId) => $"{orgId:D}/{itemId:D}";

    public static string Index(Guid orgId, CatalogKind kind) => $"{orgId:D}/{kind}";

    /// <summary>Splits a key made by <see cref="Item"/> back into its org and item ids.</summary>
    public static (Guid OrgId, Guid ItemId) ParseItem(string key)
    {
        var slash = key.IndexOf('/');
        if (slash < 0 || !Guid.TryParse(key.AsSpan(0, slash), out var org) || !Guid.TryParse(key.AsSpan(slash + 1), out var item))
        {
            throw new ArgumentException($"'{key}' is not an org-scoped item key.", nameof(key));
        }

        return (org, item);
    }
}
