using Outbound.Gateway.Problems;
using Outbound.Gateway.Routing;

namespace Outbound.Gateway.Catalog;

/// <summary>An endpoint's summary and description, as the OpenAPI document shows them.</summary>
internal sealed record EndpointText(string Summary, string Description);

/// <summary>What the OpenAPI document says of each endpoint <see cref="CatalogViewApi.MapCatalogViews"/> maps.</summary>
internal sealed record CatalogViewTexts(EndpointText Create, EndpointText List, EndpointText Get, EndpointText Replace);

/// <summary>
/// A catalog kind whose answers show a view of the item, not only the stored item: what its grain knows now (a
/// queue's waiting conversations, an agent's presence, a schedule's runs, a campaign's progress).
/// </summary>
/// <param name="Name">The item's name in operation ids: <c>Campaign</c> makes CreateCampaign, ListCampaigns, ….</param>
/// <param name="Noun">The item's name in problems: <c>No campaign '…' exists.</c></param>
/// <param name="Grain">The item's grain, by the org of the request and the item's id.</param>
/// <param name="Create">Creates the item in its grain (queues and agents are not catalog item grains, but save alike).</param>
/// <param name="View">The grain's view; null when the item does not exist.</param>
internal sealed record CatalogViewKind<TGrain, TItem, TRequest, TView, TResponse>(
    CatalogKind Kind,
    string IdParameter,
    string Name,
    string Noun,
    Func<HttpContext, IGrainFactory, Guid, TGrain> Grain,
    Func<TGrain, TItem, Task<SaveResult<TItem>>> Create,
    Func<TGrain, TItem, Task<SaveResult<TItem>>> Replace,
    Func<TRequest, FieldErrors, TItem?> ToItem,
    Func<TGrain, Task<TView?>> View,
    Func<TView, TResponse> ToResponse)
    where TRequest : class
    where TItem : class
    where TView : class
    where TResponse : class
{
    public required CatalogViewTexts Texts { get; init; }

    /// <summary>Set when create and replace bodies may exceed the gateway's default limit.</summary>
    public int? BodyLimit { get; init; }

    public IResult NotFound(Guid id) => Problem.NotFound($"No {Noun} '{id}' exists.");
}

/// <summary>Create, list, get and replace for the kinds whose answers are views; each kind maps its own delete.</summary>
internal static class CatalogViewApi
{
    public static RouteGroupBuilder MapCatalogViews<TGrain, TItem, TRequest, TView, TResponse>(
        this RouteGroupBuilder group, CatalogViewKind<TGrain, TItem, TRequest, TView, TResponse> kind)
        where TRequest : class
        where TItem : class
        where TView : class
        where TResponse : class
    {
        var itemRoute = $"/{{{kind.IdParameter}:guid}}";
        var (create, list, get, replace) = kind.Texts;

        var created = group.MapPost("/", async (TRequest request, HttpContext http, IGrainFactory grains, TimeProvider time) =>
        {
            var errors = new FieldErrors();
            if (kind.ToItem(request, errors) is not { } item || errors.Any)
            {
                return errors.ToProblem();
            }

            // Version 7: time-ordered, so the org's index lists items in creation order.
            var id = Guid.CreateVersion7(time.GetUtcNow());
            var grain = kind.Grain(http, grains, id);
            var result = await kind.Create(grain, item);
            return result.Status == SaveStatus.Saved && await kind.View(grain) is { } view
                ? Results.Created($"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{id}", kind.ToResponse(view))
                : Problem.Validation(result.Errors);
        })
        .WithName($"Create{kind.Name}")
        .WithSummary(create.Summary)
        .WithDescription(create.Description)
        .Produces<TResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        group.MapGet("/", (HttpContext http, IGrainFactory grains, int? limit, string? cursor) =>
            RoutingWire.PageAsync(http, grains, kind.Kind, limit, cursor, async id =>
                await kind.View(kind.Grain(http, grains, id)) is { } view ? kind.ToResponse(view) : null))
        .WithName($"List{kind.Name}s")
        .WithSummary(list.Summary)
        .WithDescription(list.Description)
        .Produces<Page<TResponse>>()
        .ProducesValidationProblem();

        group.MapGet(itemRoute, async (HttpContext http, IGrainFactory grains) =>
        {
            var id = IdOf(http, kind.IdParameter);
            return await kind.View(kind.Grain(http, grains, id)) is { } view ? Results.Ok(kind.ToResponse(view)) : kind.NotFound(id);
        })
        .WithName($"Get{kind.Name}")
        .WithSummary(get.Summary)
        .WithDescription(get.Description)
        .Produces<TResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        var replaced = group.MapPut(itemRoute, async (TRequest request, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            if (kind.ToItem(request, errors) is not { } item || errors.Any)
            {
                return errors.ToProblem();
            }

            var id = IdOf(http, kind.IdParameter);
            var grain = kind.Grain(http, grains, id);
            var result = await kind.Replace(grain, item);
            return result.Status switch
            {
                SaveStatus.Saved => await kind.View(grain) is { } view ? Results.Ok(kind.ToResponse(view)) : kind.NotFound(id),
                SaveStatus.NotFound => kind.NotFound(id),
                _ => Problem.Validation(result.Errors),
            };
        })
        .WithName($"Replace{kind.Name}")
        .WithSummary(replace.Summary)
        .WithDescription(replace.Description)
        .Produces<TResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        if (kind.BodyLimit is { } limit)
        {
            created.WithBodyLimit(limit);
            replaced.WithBodyLimit(limit);
        }

        return group;
    }

    /// <summary>The item's id from the route: the route's <c>guid</c> constraint has already checked it.</summary>
    public static Guid IdOf(HttpContext http, string idParameter) => Guid.Parse((string)http.GetRouteValue(idParameter)!);
}
