using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;
using Outbound.Orgs;
using Outbound.Security;

namespace Outbound.Gateway.Keys;

/// <param name="Name">What the key is for (1–100 characters), e.g. the integration that uses it.</param>
/// <param name="Scope"><c>admin</c> (everything), <c>send</c> (sending, message status, consent) or <c>agent</c> (the conversations API).</param>
public sealed record CreateApiKeyRequest([property: Required] string? Name, [property: Required] string? Scope);

/// <summary>An API key of the org; the key itself is shown only once, when it is created.</summary>
/// <param name="Prefix">The key's first characters, to tell which key this is.</param>
/// <param name="LastUsedAt">When it last authenticated a request, to the minute; absent if never.</param>
/// <param name="AgentId">An agent key's agent (the key acts as them); absent for other keys.</param>
public sealed record ApiKeyResponse(Guid Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, Guid? AgentId = null)
{
    public static ApiKeyResponse From(ApiKeyInfo key) =>
        new(key.Id, key.Name, Scopes.Name(key.Scope), key.Prefix, key.CreatedAt, key.LastUsedAt, key.AgentId);
}

/// <param name="Key">The key: shown only in this response, since only its hash is stored.</param>
public sealed record CreatedApiKeyResponse(Guid Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, string Key);

/// <summary>A page of the org's API keys, oldest first (an org holds at most 50).</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; absent on the last page.</param>
public sealed record ApiKeyListResponse(IReadOnlyList<ApiKeyResponse> Items, string? NextCursor = null);

public static class ApiKeysApi
{
    public const int MaxNameLength = 100;

    /// <summary>
    /// <c>POST/GET /v1/api-keys</c> and <c>DELETE /v1/api-keys/{id}</c>: an admin key manages the org's keys.
    /// Rotation is creating the new key, moving the integration to it, and revoking the old.
    /// </summary>
    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder admin)
    {
        var keys = admin.MapGroup("/api-keys").WithTags("API keys");

        keys.MapPost("/", (CreateApiKeyRequest? request, HttpContext http, IGrainFactory grains, SigningKeys signingKeys) =>
            CreateAsync(http.OrgId(), request, grains, signingKeys))
            .WithName("CreateApiKey")
            .WithSummary("Create an API key")
            .WithDescription("Issues a new key of the given scope; the key is in this answer only.")
            .Produces<CreatedApiKeyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        keys.MapGet("/", (HttpContext http, IGrainFactory grains, int? limit, string? cursor) => ListAsync(http.OrgId(), limit, cursor, grains))
            .WithName("ListApiKeys")
            .WithSummary("List API keys")
            .WithDescription("The org's keys, oldest first, with when each was last used; never the keys themselves. A page at a time (all 50 an org may hold by default): pass nextCursor as cursor for the next page.")
            .Produces<ApiKeyListResponse>()
            .ProducesValidationProblem();

        keys.MapDelete("/{id:guid}", async (Guid id, HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).RevokeApiKeyAsync(id)
                ? Results.NoContent()
                : Problem.NotFound($"No API key '{id}' exists."))
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .WithDescription("The key stops authenticating at once.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    /// <summary>
    /// A page of the org's keys in the order (created, id). The cursor names the last key shown by its place in that
    /// order rather than by id, so a page still follows on when that key was revoked in between.
    /// </summary>
    internal static async Task<IResult> ListAsync(Guid orgId, int? limit, string? cursor, IGrainFactory grains)
    {
        var size = limit ?? AddApiKeyResult.MaxKeys;
        if (size is < 1 or > AddApiKeyResult.MaxKeys)
        {
            return Problem.Validation("limit", $"limit is between 1 and {AddApiKeyResult.MaxKeys}.");
        }

        (long Ticks, Guid Id)? after = null;
        if (cursor is not null)
        {
            after = ParseCursor(cursor);
            if (after is null)
            {
                return Problem.Validation("cursor", "cursor is the nextCursor of a previous page.");
            }
        }

        var ordered = (await grains.GetGrain<IOrgGrain>(orgId).ListApiKeysAsync())
            .OrderBy(k => k.CreatedAt.UtcTicks).ThenBy(k => k.Id)
            .Where(k => after is not { } a || k.CreatedAt.UtcTicks > a.Ticks || (k.CreatedAt.UtcTicks == a.Ticks && k.Id.CompareTo(a.Id) > 0))
            .Take(size + 1)
            .ToArray();
        var page = ordered.Take(size).ToArray();
        var next = ordered.Length > size ? $"{page[^1].CreatedAt.UtcTicks}.{page[^1].Id:N}" : null;
        return Results.Ok(new ApiKeyListResponse([.. page.Select(ApiKeyResponse.From)], next));
    }

    private static (long Ticks, Guid Id)? ParseCursor(string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && long.TryParse(cursor.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            && Guid.TryParseExact(cursor.AsSpan(dot + 1), "N", out var id)
                ? (ticks, id)
                : null;
    }

    /// <summary>Makes a key for <paramref name="orgId"/> and stores its hash; the answer is the only place the key appears.</summary>
    internal static async Task<IResult> CreateAsync(Guid orgId, CreateApiKeyRequest? request, IGrainFactory grains, SigningKeys signingKeys)
    {
        var errors = new FieldErrors();
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"name is required and at most {MaxNameLength} characters.");
        }

        var scope = errors.Choice(request?.Scope, "scope", Scopes.ByName);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return await AddAsync(orgId, NewKey(orgId, name!, scope!.Value, signingKeys), grains);
    }

    /// <summary>Stores <paramref name="made"/>'s hash in the org and answers with the key, the only place it appears.</summary>
    internal static async Task<IResult> AddAsync(Guid orgId, (string Key, NewApiKey Stored) made, IGrainFactory grains)
    {
        var (key, newKey) = made;
        var result = await grains.GetGrain<IOrgGrain>(orgId).AddApiKeyAsync(newKey);
        return result switch
        {
            { Outcome: AddApiKeyOutcome.Added, Key: { } added } => Results.Created(
                $"/v1/api-keys/{added.Id}", new CreatedApiKeyResponse(added.Id, added.Name, Scopes.Name(added.Scope), added.Prefix, added.CreatedAt, key)),
            { Outcome: AddApiKeyOutcome.TooManyKeys } => Problem.Conflict($"The org holds {AddApiKeyResult.MaxKeys} API keys, the most it may; revoke one first."),
            _ => Problem.NotFound($"No org '{orgId}' exists."),
        };
    }

    /// <summary>A new key and what the org stores of it.</summary>
    internal static (string Key, NewApiKey Stored) NewKey(Guid orgId, string name, ApiKeyScope scope, SigningKeys signingKeys, Guid? agentId = null)
    {
        // Random, not time-ordered: the prefix shows the start of the id, which must differ between keys made together.
        var keyId = Guid.NewGuid();
        var key = ApiKeys.Create(orgId, keyId, signingKeys);
        return (key, new NewApiKey(keyId, name, scope, ApiKeys.Hash(key), ApiKeys.Prefix(key), agentId));
    }
}
