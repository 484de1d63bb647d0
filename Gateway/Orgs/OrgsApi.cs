using System.ComponentModel.DataAnnotations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Keys;
using Outbound.Gateway.Problems;
using Outbound.Orgs;
using Outbound.Security;

namespace Outbound.Gateway.Orgs;

public sealed record CreateOrgRequest([property: Required] string? Name);

/// <param name="ApiKey">The org's first key, of scope <c>admin</c> and named <c>default</c>. Shown once: only its hash is stored.</param>
public sealed record CreatedOrgResponse(Guid OrgId, string Name, string ApiKey, OrgSettings Settings);

/// <param name="MaxContactsPerRequest">Contacts one send request may carry (1–1,000; the seed's default is 100).</param>
/// <param name="MaxRequestsPerHour">Send requests per UTC clock hour (the seed's default is 30,000).</param>
/// <param name="DeliveryDeadlineHours">
/// Optional: how many hours after acceptance a message is still retried (1–72; default 24); past it the message
/// ends <c>failed</c> with the reason <c>expired</c>.
/// </param>
public sealed record OrgSettingsRequest([property: Required] int? MaxContactsPerRequest, [property: Required] int? MaxRequestsPerHour, int? DeliveryDeadlineHours = null);

/// <param name="Enabled">False once the operator has disabled the org: its keys and send requests are refused.</param>
public sealed record OrgResponse(Guid OrgId, string Name, OrgSettings Settings, DateTimeOffset CreatedAt, bool Enabled)
{
    public static OrgResponse From(OrgProfile org) => new(org.OrgId, org.Name, org.Settings, org.CreatedAt, !org.Disabled);
}

/// <param name="Enabled">False disables the org: its keys stop authenticating and its send requests are refused; true enables it again.</param>
public sealed record OrgStatusRequest([property: Required] bool? Enabled);

public static class OrgsApi
{
    public const int MaxNameLength = 200;

    /// <summary>A request's contacts are checked and stored together; this bounds one request's size.</summary>
    public const int MaxContactsPerRequestCeiling = 1_000;

    /// <summary>
    /// <c>POST /v1/orgs</c>, <c>PUT /v1/orgs/{orgId}/settings</c>, <c>PUT /v1/orgs/{orgId}/status</c> and
    /// <c>POST /v1/orgs/{orgId}/api-keys</c>: the operator (admin key) creates orgs, changes their limits, disables
    /// and enables them, and issues a key to an org that has lost its own.
    /// </summary>
    public static RouteGroupBuilder MapOrgAdministration(this RouteGroupBuilder v1, string adminPolicy)
    {
        v1.MapPost("/orgs", async (CreateOrgRequest request, IGrainFactory grains, TimeProvider time, SigningKeys signingKeys) =>
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > MaxNameLength)
            {
                return Problem.Validation("name", $"name is required and at most {MaxNameLength} characters.");
            }

            var orgId = Guid.CreateVersion7(time.GetUtcNow());
            var (apiKey, stored) = ApiKeysApi.NewKey(orgId, "default", ApiKeyScope.Admin, signingKeys);
            var name = request.Name.Trim();
            await grains.GetGrain<IOrgGrain>(orgId).CreateAsync(name, stored);
            return Results.Created($"/v1/org", new CreatedOrgResponse(orgId, name, apiKey, new OrgSettings()));
        })
        .RequireAuthorization(adminPolicy)
        .WithTags("Orgs")
        .WithName("CreateOrg")
        .WithSummary("Create an org")
        .WithDescription("Operator only: creates an org with the default limits and its first admin API key, shown in this answer only.")
        .Produces<CreatedOrgResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        v1.MapPut("/orgs/{orgId:guid}/settings", async (Guid orgId, OrgSettingsRequest request, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            if (request.MaxContactsPerRequest is not (>= 1 and <= MaxContactsPerRequestCeiling))
            {
                errors.Add("maxContactsPerRequest", $"maxContactsPerRequest is between 1 and {MaxContactsPerRequestCeiling}.");
            }

            if (request.MaxRequestsPerHour is not >= 1)
            {
                errors.Add("maxRequestsPerHour", "maxRequestsPerHour is at least 1.");
            }

            if (request.DeliveryDeadlineHours is not (null or (>= 1 and <= OrgSettings.MaxDeliveryDeadlineHours)))
            {
                errors.Add("deliveryDeadlineHours", $"deliveryDeadlineHours is between 1 and {OrgSettings.MaxDeliveryDeadlineHours}.");
            }

            if (errors.Any)
            {
                return errors.ToProblem();
            }

            var org = grains.GetGrain<IOrgGrain>(orgId);
            var settings = new OrgSettings(
                request.MaxContactsPerRequest!.Value, request.MaxRequestsPerHour!.Value,
                request.DeliveryDeadlineHours ?? OrgSettings.DefaultDeliveryDeadlineHours);
            return await org.UpdateSettingsAsync(settings)
                && await org.GetAsync() is { } updated
                ? Results.Ok(OrgResponse.From(updated))
                : Problem.NotFound($"No org '{orgId}' exists.");
        })
        .RequireAuthorization(adminPolicy)
        .WithTags("Orgs")
        .WithName("UpdateOrgSettings")
        .WithSummary("Change an org's limits")
        .WithDescription("Operator only: contacts per send request, send requests per hour and how long messages are retried.")
        .Produces<OrgResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPut("/orgs/{orgId:guid}/status", async (Guid orgId, OrgStatusRequest? request, IGrainFactory grains) =>
        {
            if (request?.Enabled is not { } enabled)
            {
                return Problem.Validation("enabled", "enabled is required: true or false.");
            }

            var org = grains.GetGrain<IOrgGrain>(orgId);
            return await org.SetEnabledAsync(enabled) && await org.GetAsync() is { } updated
                ? Results.Ok(OrgResponse.From(updated))
                : Problem.NotFound($"No org '{orgId}' exists.");
        })
        .RequireAuthorization(adminPolicy)
        .WithTags("Orgs")
        .WithName("SetOrgStatus")
        .WithSummary("Disable or enable an org")
        .WithDescription("Operator only: a disabled org's keys stop authenticating and its send requests are refused.")
        .Produces<OrgResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPost("/orgs/{orgId:guid}/api-keys", (Guid orgId, CreateApiKeyRequest? request, IGrainFactory grains, SigningKeys signingKeys) =>
            ApiKeysApi.CreateAsync(orgId, request, grains, signingKeys))
        .RequireAuthorization(adminPolicy)
        .WithTags("Orgs")
        .WithName("CreateOrgApiKey")
        .WithSummary("Issue an API key to an org")
        .WithDescription("Operator only: a new key for an org that has lost its own; the key is in this answer only.")
        .Produces<CreatedApiKeyResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
        return v1;
    }

    /// <summary><c>GET /v1/org</c>: the calling org's profile and limits.</summary>
    public static RouteGroupBuilder MapOrgProfile(this RouteGroupBuilder org)
    {
        org.MapGet("/org", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).GetAsync() is { } org
                ? Results.Ok(OrgResponse.From(org))
                : Problem.NotFound("The org no longer exists."))
        .WithTags("Orgs")
        .WithName("GetOrg")
        .WithSummary("Get the calling org")
        .WithDescription("The org the API key belongs to: its name, limits and whether it is enabled.")
        .Produces<OrgResponse>();
        return org;
    }
}
