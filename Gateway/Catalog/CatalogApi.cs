using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Catalog;

/// <summary>A page of items and the cursor for the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Describes one catalog kind for <see cref="CatalogApi.MapCatalog{TGrain,TItem,TRequest,TResponse}"/>:
/// how a request becomes an item and how a stored item is shown.
/// </summary>
/// <param name="OwnList">The kind maps its own list (with its own filters) around <see cref="CatalogApi.ListAsync"/>.</param>
public sealed record CatalogKindApi<TItem, TRequest, TResponse>(
    CatalogKind Kind,
    string IdParameter,
    string Noun,
    Func<TRequest, FieldErrors, TItem?> ToItem,
    Func<StoredItem<TItem>, TResponse> ToResponse,
    bool OwnList = false)
    where TItem : class
{
    /// <summary>Set by a kind whose answer depends on the request (a URL built from the org and the gateway's address).</summary>
    public Func<StoredItem<TItem>, HttpContext, TResponse>? ToResponseFor { get; init; }

    public TResponse Show(StoredItem<TItem> stored, HttpContext http) => ToResponseFor is { } show ? show(stored, http) : ToResponse(stored);
}

/// <summary>Create, list, get, replace and delete, the same for every catalog kind.</summary>
public static class CatalogApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private const int MaxScannedPerPage = 1_000;

    public static RouteGroupBuilder MapCatalog<TGrain, TItem, TRequest, TResponse>(
        this RouteGroupBuilder group, CatalogKindApi<TItem, TRequest, TResponse> api)
        where TGrain : ICatalogItemGrain<TItem>
        where TItem : class
    {
        var itemRoute = $"/{{{api.IdParameter}:guid}}";
        // Operation ids read as a generated client's methods: CreateChannel, ListOutboundConfigurations.
        var name = string.Concat(api.Noun.Split(' ').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));

        group.MapPost("/", async (TRequest request, HttpContext http, IGrainFactory grains, TimeProvider time) =>
        {
            var errors = new FieldErrors();
            var item = api.ToItem(request, errors);
            if (errors.Any || item is null)
            {
                return errors.ToProblem();
            }

            // Version 7: time-ordered, so the org's index lists items in creation order.
            var id = Guid.CreateVersion7(time.GetUtcNow());
            var result = await Grain<TGrain, TItem>(http, grains, id).CreateAsync(item);
            return result.Status == SaveStatus.Saved
                ? Results.Created($"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{id}", api.Show(result.Saved!, http))
                : Problem.Validation(result.Errors);
        })
        .WithName($"Create{name}")
        .WithSummary($"Create a {api.Noun}")
        .WithDescription($"Stores a new {api.Noun} of the org; the answer carries its id and a Location header.")
        .Produces<TResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        if (!api.OwnList)
        {
            group.MapGet("/", (HttpContext http, IGrainFactory grains, int? limit, string? cursor) =>
                ListAsync<TGrain, TItem, TRequest, TResponse>(http, grains, limit, cursor, api, keep: null))
            .WithName($"List{name}s")
            .WithSummary($"List {api.Noun}s")
            .WithDescription($"The org's {api.Noun}s, oldest first, a page at a time: pass nextCursor as cursor for the next page.")
            .Produces<Page<TResponse>>()
            .ProducesValidationProblem();
        }

        group.MapGet(itemRoute, async (HttpContext http, IGrainFactory grains) =>
            await Grain<TGrain, TItem>(http, grains, IdOf(http, api.IdParameter)).GetAsync() is { } stored
                ? Results.Ok(api.Show(stored, http))
                : NotFound(http, api.IdParameter, api.Noun))
        .WithName($"Get{name}")
        .WithSummary($"Get a {api.Noun}")
        .WithDescription($"One {api.Noun} of the org, by id. Secrets are never returned.")
        .Produces<TResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut(itemRoute, async (TRequest request, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            var item = api.ToItem(request, errors);
            if (errors.Any || item is null)
            {
                return errors.ToProblem();
            }

            var result = await Grain<TGrain, TItem>(http, grains, IdOf(http, api.IdParameter)).ReplaceAsync(item);
            return result.Status switch
            {
                SaveStatus.Saved => Results.Ok(api.Show(result.Saved!, http)),
                SaveStatus.NotFound => NotFound(http, api.IdParameter, api.Noun),
                _ => Problem.Validation(result.Errors),
            };
        })
        .WithName($"Replace{name}")
        .WithSummary($"Replace a {api.Noun}")
        .WithDescription($"Replaces the {api.Noun} whole with the body; write-only secrets left out keep their stored values.")
        .Produces<TResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete(itemRoute, async (HttpContext http, IGrainFactory grains) =>
        {
            var result = await Grain<TGrain, TItem>(http, grains, IdOf(http, api.IdParameter)).DeleteAsync();
            return result.Status switch
            {
                DeleteStatus.Deleted => Results.NoContent(),
                DeleteStatus.NotFound => NotFound(http, api.IdParameter, api.Noun),
                _ => Problem.Conflict($"Outbound configurations use this {api.Noun}: {string.Join(", ", result.UsedBy)}. Delete them or point them elsewhere first."),
            };
        })
        .WithName($"Delete{name}")
        .WithSummary($"Delete a {api.Noun}")
        .WithDescription($"Deletes the {api.Noun}; refused (409) while an outbound configuration uses it.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>
    /// A page of the org's items of one kind, in creation order. With <paramref name="keep"/>, only the items it keeps:
    /// a page then holds fewer than <paramref name="limit"/> items when its scan budget runs out, and only the last
    /// page has no next cursor.
    /// </summary>
    public static async Task<IResult> ListAsync<TGrain, TItem, TRequest, TResponse>(
        HttpContext http, IGrainFactory grains, int? limit, string? cursor, CatalogKindApi<TItem, TRequest, TResponse> api, Func<TItem, bool>? keep)
        where TGrain : ICatalogItemGrain<TItem>
        where TItem : class
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return Problem.Validation("limit", $"limit is between 1 and {MaxPageSize}.");
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

        var orgId = http.OrgId();
        var index = grains.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(orgId, api.Kind));
        var shown = new List<TResponse>(size);
        var scanned = 0;
        while (true)
        {
            var wanted = size - shown.Count;
            var ids = await index.ListAsync(after, wanted + 1);
            var chunk = ids.Take(wanted).ToArray();
            var items = await Task.WhenAll(chunk.Select(id => grains.GetGrain<TGrain>(CatalogKeys.Item(orgId, id)).GetAsync()));
            // An id can be listed a moment before its item is stored; such an entry is simply not shown yet.
            shown.AddRange(items.OfType<StoredItem<TItem>>().Where(s => keep?.Invoke(s.Item) ?? true).Select(s => api.Show(s, http)));
            scanned += chunk.Length;
            if (ids.Length <= wanted)
            {
                return Results.Ok(new Page<TResponse>(shown, null));
            }

            after = chunk[^1];
            // A filter that keeps few items must not turn one page into a scan of the whole index.
            if (shown.Count == size || scanned >= MaxScannedPerPage)
            {
                return Results.Ok(new Page<TResponse>(shown, after.ToString()));
            }
        }
    }

    private static TGrain Grain<TGrain, TItem>(HttpContext http, IGrainFactory grains, Guid id)
        where TGrain : ICatalogItemGrain<TItem>
        where TItem : class =>
        grains.GetGrain<TGrain>(CatalogKeys.Item(http.OrgId(), id));

    private static Guid IdOf(HttpContext http, string idParameter) => Guid.Parse((string)http.GetRouteValue(idParameter)!);

    private static IResult NotFound(HttpContext http, string idParameter, string noun) =>
        Problem.NotFound($"No {noun} '{IdOf(http, idParameter)}' exists.");
}
