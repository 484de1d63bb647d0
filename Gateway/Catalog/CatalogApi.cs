using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Catalog;

/// <summary>A page of items and the cursor for the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Describes one catalog kind for <see cref="CatalogApi.MapCatalog{TGrain,TItem,TRequest,TResponse}"/>:
/// how a request becomes an item and how a stored item is shown.
/// </summary>
public sealed record CatalogKindApi<TItem, TRequest, TResponse>(
    CatalogKind Kind,
    string IdParameter,
    string Noun,
    Func<TRequest, FieldErrors, TItem?> ToItem,
    Func<StoredItem<TItem>, TResponse> ToResponse)
    where TItem : class;

/// <summary>Create, list, get, replace and delete, the same for every catalog kind.</summary>
public static class CatalogApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

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
                ? Results.Created($"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{id}", api.ToResponse(result.Saved!))
                : Problem.Validation(result.Errors);
        })
        .WithName($"Create{name}")
        .WithSummary($"Create a {api.Noun}")
        .WithDescription($"Stores a new {api.Noun} of the org; the answer carries its id and a Location header.")
        .Produces<TResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        group.MapGet("/", async (HttpContext http, IGrainFactory grains, int? limit, string? cursor) =>
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
            var ids = await grains.GetGrain<ICatalogIndexGrain>(CatalogKeys.Index(orgId, api.Kind)).ListAsync(after, size + 1);
            var page = ids.Take(size).ToArray();
            var items = await Task.WhenAll(page.Select(id => grains.GetGrain<TGrain>(CatalogKeys.Item(orgId, id)).GetAsync()));
            var next = ids.Length > size ? page[^1].ToString() : null;
            // An id can be listed a moment before its item is stored; such an entry is simply not shown yet.
            return Results.Ok(new Page<TResponse>([.. items.OfType<StoredItem<TItem>>().Select(api.ToResponse)], next));
        })
        .WithName($"List{name}s")
        .WithSummary($"List {api.Noun}s")
        .WithDescription($"The org's {api.Noun}s, oldest first, a page at a time: pass nextCursor as cursor for the next page.")
        .Produces<Page<TResponse>>()
        .ProducesValidationProblem();

        group.MapGet(itemRoute, async (HttpContext http, IGrainFactory grains) =>
            await Grain<TGrain, TItem>(http, grains, IdOf(http, api.IdParameter)).GetAsync() is { } stored
                ? Results.Ok(api.ToResponse(stored))
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
                SaveStatus.Saved => Results.Ok(api.ToResponse(result.Saved!)),
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

    private static TGrain Grain<TGrain, TItem>(HttpContext http, IGrainFactory grains, Guid id)
        where TGrain : ICatalogItemGrain<TItem>
        where TItem : class =>
        grains.GetGrain<TGrain>(CatalogKeys.Item(http.OrgId(), id));

    private static Guid IdOf(HttpContext http, string idParameter) => Guid.Parse((string)http.GetRouteValue(idParameter)!);

    private static IResult NotFound(HttpContext http, string idParameter, string noun) =>
        Problem.NotFound($"No {noun} '{IdOf(http, idParameter)}' exists.");
}
