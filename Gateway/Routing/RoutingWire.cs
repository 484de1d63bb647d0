using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Routing;

namespace Outbound.Gateway.Routing;

/// <summary>The wire names of routing's enums, and the paging of queues and agents.</summary>
internal static class RoutingWire
{
    public static readonly IReadOnlyDictionary<string, RoutingStrategy> Strategies =
        new Dictionary<string, RoutingStrategy>(StringComparer.Ordinal) { ["round-robin"] = RoutingStrategy.RoundRobin, ["least-active"] = RoutingStrategy.LeastActive };

    public static readonly IReadOnlyDictionary<string, AgentPresence> Presences =
        new Dictionary<string, AgentPresence>(StringComparer.Ordinal)
        {
            ["available"] = AgentPresence.Available, ["busy"] = AgentPresence.Busy, ["away"] = AgentPresence.Away, ["offline"] = AgentPresence.Offline,
        };

    public static string Of(RoutingStrategy strategy) => strategy == RoutingStrategy.RoundRobin ? "round-robin" : "least-active";

    public static string Of(AgentPresence presence) => Presences.First(p => p.Value == presence).Key;

    /// <summary>Ids of a request: present, distinct, at most <paramref name="max"/>.</summary>
    public static ImmutableArray<Guid> Ids(IReadOnlyList<Guid>? ids, string field, int max, FieldErrors errors)
    {
        if (ids is null)
        {
            errors.Add(field, $"{field} is required (it may be empty).");
            return [];
        }

        if (ids.Count > max)
        {
            errors.Add(field, $"{field} holds at most {max} ids.");
        }

        if (ids.Distinct().Count() != ids.Count)
        {
            errors.Add(field, $"{field} names an id twice.");
        }

        return [.. ids];
    }

    /// <summary>A name: 1–100 characters once trimmed.</summary>
    public static string Name(string? name, FieldErrors errors)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 100)
        {
            errors.Add("name", "name is required and at most 100 characters.");
        }

        return trimmed ?? "";
    }

    /// <summary>A page of the org's queues or agents, oldest first, like the catalog's lists.</summary>
    public static async Task<IResult> PageAsync<TResponse>(
        HttpContext http, IGrainFactory grains, CatalogKind kind, int? limit, string? cursor, Func<Guid, Task<TResponse?>> load)
        where TResponse : class
    {
        var size = limit ?? CatalogApi.DefaultPageSize;
        if (size is < 1 or > CatalogApi.MaxPageSize)
        {
            return Problem.Validation("limit", $"limit is between 1 and {CatalogApi.MaxPageSize}.");
        }

        Guid? after = null;
        if (cursor is not null)
        {
            if (!Guid.TryParse(cursor, out var parsed))
            {
                return Problem.Validation("cursor", "cursor is the nextCursor of a previous page.");
            }

            after = parsed;
        }

        var ids = await grains.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(http.OrgId(), kind)).ListAsync(after, size + 1);
        var page = ids.Take(size).ToArray();
        var items = await Task.WhenAll(page.Select(load));
        return Results.Ok(new Page<TResponse>([.. items.OfType<TResponse>()], ids.Length > size ? page[^1].ToString() : null));
    }
}
