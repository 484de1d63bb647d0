using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;
using Outbound.Orgs;

namespace Outbound.Gateway.Orgs;

/// <summary>This hour's use of the org's send quota.</summary>
/// <param name="Used">Send requests counted in the current UTC clock hour.</param>
/// <param name="Limit">Send requests allowed per UTC clock hour.</param>
/// <param name="Remaining">Requests left this hour (a hint: other requests may take them first).</param>
/// <param name="CampaignUsed">Of <paramref name="Used"/>, the requests campaigns sent.</param>
/// <param name="WindowStart">The start of the current hour.</param>
/// <param name="ResetAt">When the count starts again.</param>
public sealed record OrgUsageResponse(int Used, int Limit, int Remaining, int CampaignUsed, DateTimeOffset WindowStart, DateTimeOffset ResetAt);

public static class OrgUsageApi
{
    /// <summary><c>GET /v1/org/usage</c>: the calling org's send requests this hour against its hourly limit.</summary>
    public static RouteGroupBuilder MapOrgUsage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/org/usage", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IOrgGrain>(http.OrgId()).GetQuotaUsageAsync() is { } usage
                ? Results.Ok(new OrgUsageResponse(usage.Used, usage.Limit, Math.Max(0, usage.Limit - usage.Used), usage.CampaignUsed, usage.WindowStart, usage.ResetAt))
                : Problem.NotFound("The org no longer exists."))
        .WithTags("Orgs")
        .WithName("GetOrgUsage")
        .WithSummary("Get this hour's quota use")
        .WithDescription("Send requests counted in the current UTC clock hour against the org's hourly limit, and when the count starts again. Reading it takes nothing from the quota.")
        .Produces<OrgUsageResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }
}
