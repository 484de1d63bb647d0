using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;
using Outbound.Orgs;

namespace Outbound.Gateway.Orgs;

public sealed record CreateOrgRequest(string? Name);

/// <param name="ApiKey">Shown once: only its hash is stored.</param>
public sealed record CreatedOrgResponse(Guid OrgId, string Name, string ApiKey, OrgSettings Settings);

public sealed record OrgResponse(Guid OrgId, string Name, OrgSettings Settings, DateTimeOffset CreatedAt);

public static class OrgsApi
{
    public const int MaxNameLength = 200;

    /// <summary><c>POST /v1/orgs</c>: the operator (admin key) creates an org.</summary>
    public static RouteGroupBuilder MapOrgAdministration(this RouteGroupBuilder v1, string adminPolicy)
    {
        v1.MapPost("/orgs", async (CreateOrgRequest request, IGrainFactory grains, TimeProvider time) =>
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > MaxNameLength)
            {
                return Problem.Validation("name", $"name is required and at most {MaxNameLength} characters.");
            }

            var orgId = Guid.CreateVersion7(time.GetUtcNow());
            var apiKey = ApiKeys.Create(orgId);
            var name = request.Name.Trim();
            await grains.GetGrain<IOrgGrain>(orgId).CreateAsync(name, ApiKeys.Hash(apiKey));
            return Results.Created($"/v1/org", new CreatedOrgResponse(orgId, name, apiKey, new OrgSettings()));
        })
        .RequireAuthorization(adminPolicy)
        .WithTags("Orgs")
        .Produces<CreatedOrgResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();
        return v1;
    }

    /// <summary><c>GET /v1/org</c>: the calling org's profile and limits.</summary>
    public static RouteGroupBuilder MapOrgProfile(this RouteGroupBuilder org)
    {
        org.MapGet("/org", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).GetAsync() is { } org
                ? Results.Ok(new OrgResponse(org.OrgId, org.Name, org.Settings, org.CreatedAt))
                : Problem.NotFound("The org no longer exists."))
        .WithTags("Orgs")
        .Produces<OrgResponse>();
        return org;
    }
}
