using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Outbound.Orgs;

namespace Outbound.Gateway.Auth;

/// <summary>
/// The authorization policies of org endpoints, one per API key scope. An <c>admin</c> key may do everything;
/// a <c>send</c> key sends, reads message status and records consent; an <c>agent</c> key reaches the
/// conversations API. Every key may read its org's profile.
/// </summary>
public static class Scopes
{
    /// <summary>Any key of the org.</summary>
    public const string AnyKeyPolicy = "org";
    public const string AdminPolicy = "org-admin";
    public const string SendPolicy = "org-send";

    /// <summary>An agent key (acting as its agent) or an admin key.</summary>
    public const string AgentPolicy = "org-agent";

    public static readonly IReadOnlyDictionary<string, ApiKeyScope> ByName = new Dictionary<string, ApiKeyScope>(StringComparer.Ordinal)
    {
        ["admin"] = ApiKeyScope.Admin,
        ["send"] = ApiKeyScope.Send,
        ["agent"] = ApiKeyScope.Agent,
    };

    public static string Name(ApiKeyScope scope) => scope switch
    {
        ApiKeyScope.Admin => "admin",
        ApiKeyScope.Send => "send",
        ApiKeyScope.Agent => "agent",
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };

    internal static AuthorizationBuilder AddOrgPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(AnyKeyPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(ApiKeyAuthenticationHandler.OrgIdClaim))
        .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).AddRequirements(new ScopeRequirement(ApiKeyScope.Admin)))
        .AddPolicy(SendPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).AddRequirements(new ScopeRequirement(ApiKeyScope.Send)))
        .AddPolicy(AgentPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).AddRequirements(new ScopeRequirement(ApiKeyScope.Agent)));
}

/// <summary>The endpoint needs a key of <see cref="Scope"/>; an admin key satisfies every scope.</summary>
internal sealed class ScopeRequirement(ApiKeyScope scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public ApiKeyScope Scope => scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var held = context.User.FindFirst(ApiKeyAuthenticationHandler.ScopeClaim)?.Value;
        // An agent key acts as its agent: one that names none (made before agents existed) acts as no one.
        var actsAsSomeone = requirement.Scope != ApiKeyScope.Agent || context.User.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.AgentIdClaim);
        if (held is not null && (held == Scopes.Name(ApiKeyScope.Admin) || (held == Scopes.Name(requirement.Scope) && actsAsSomeone)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Refusals as RFC 9457 problems that say why: a key of the wrong scope (403 naming the scope needed), a
/// disabled org (403), a client with too many failed attempts (429 with <c>Retry-After</c>). A plain 401 gets
/// its body from the status code pages.
/// </summary>
internal sealed class RefusalResponses : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged && context.Items[typeof(AuthRefusal)] is AuthRefusal refusal)
        {
            return refusal switch
            {
                AuthRefusal.TooManyFailures tooMany => TooManyFailures(context, tooMany.RetryAfter),
                AuthRefusal.SessionEnded => TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "The session has ended.",
                    detail: "The session cookie has expired or is not valid: sign in again (POST /v1/session).").ExecuteAsync(context),
                AuthRefusal.CsrfTokenMissing => TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "The CSRF token is missing or wrong.",
                    detail: "A write made with the session cookie must carry the session's csrfToken (GET /v1/session) in the X-CSRF-Token header.").ExecuteAsync(context),
                _ => TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "The org is disabled.",
                    detail: "The operator has disabled this org: its API keys and send requests are refused until it is enabled again.").ExecuteAsync(context),
            };
        }

        if (result.Forbidden && result.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault() is { } needed)
        {
            var held = context.User.FindFirst(ApiKeyAuthenticationHandler.ScopeClaim)?.Value;
            if (held == Scopes.Name(needed.Scope))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "The API key names no agent.",
                    detail: "This endpoint needs an agent key made for an agent (POST /v1/agents/{id}/api-keys), or an admin key.").ExecuteAsync(context);
            }

            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The API key's scope does not allow this.",
                detail: $"This endpoint needs a key of scope '{Scopes.Name(needed.Scope)}' (or 'admin'); this key's scope is '{held}'.").ExecuteAsync(context);
        }

        return _default.HandleAsync(next, context, policy, result);
    }

    private static Task TooManyFailures(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many failed authentications.",
            detail: $"This client presented too many API keys that are not valid; try again after {seconds} s (Retry-After).").ExecuteAsync(context);
    }
}
