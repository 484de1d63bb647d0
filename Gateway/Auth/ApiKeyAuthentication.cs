using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Outbound.Orgs;

namespace Outbound.Gateway.Auth;

/// <summary>Authenticates an org by <c>Authorization: Bearer &lt;apiKey&gt;</c>, checked against the hash its OrgGrain holds.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string OrgIdClaim = "org_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (!ApiKeys.TryGetOrgId(key, out var orgId) || !await grains.GetGrain<IOrgGrain>(orgId).VerifyApiKeyAsync(ApiKeys.Hash(key)))
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var identity = new ClaimsIdentity([new Claim(OrgIdClaim, orgId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}

internal static class OrgPrincipal
{
    /// <summary>The authenticated org. Only endpoints behind the org policy call this.</summary>
    public static Guid OrgId(this HttpContext http) =>
        Guid.Parse(http.User.FindFirstValue(ApiKeyAuthenticationHandler.OrgIdClaim)
            ?? throw new InvalidOperationException("The endpoint is not behind the org policy."));
}
