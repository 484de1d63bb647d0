using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Outbound.Gateway.Cluster;
using Outbound.Gateway.Sessions;
using Outbound.Orgs;
using Outbound.Security;

namespace Outbound.Gateway.Auth;

/// <summary>
/// Authenticates an org by <c>Authorization: Bearer &lt;apiKey&gt;</c>, or by the console's session cookie
/// (<see cref="SessionCookie"/>), which stands for the key it was made from. A key the cluster did not issue (its
/// tag), a key already refused, and any key from a client with too many recent failures are refused here; only
/// a genuine key reaches its OrgGrain, which holds its hash, scope and whether it was revoked.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains,
    SigningKeys signingKeys, FailedAuthentications failures, RefusedKeys refused, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string OrgIdClaim = "org_id";
    public const string ScopeClaim = "scope";
    public const string AgentIdClaim = "agent_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        // A request with a key says who it is; the console's cookie counts only when none is given.
        var cookie = bearer ? null : Request.Cookies[SessionCookie.Name];
        if (!bearer && cookie is null)
        {
            return AuthenticateResult.NoResult();
        }

        var client = Context.Connection.RemoteIpAddress?.ToString() ?? "";
        if (failures.IsBlocked(client, out var retryAfter))
        {
            Context.Items[typeof(AuthRefusal)] = new AuthRefusal.TooManyFailures(retryAfter);
            return AuthenticateResult.Fail("Too many failed authentications.");
        }

        if (cookie is not null)
        {
            return await SessionAsync(cookie, client);
        }

        var key = header["Bearer ".Length..].Trim();
        var hash = ApiKeys.TryParse(key, signingKeys, out var orgId, out var keyId) ? ApiKeys.Hash(key) : null;
        if (hash is null)
        {
            failures.Record(client);
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        return await VerifyAsync(orgId, keyId, hash, client, session: null);
    }

    private async Task<AuthenticateResult> SessionAsync(string cookie, string client)
    {
        if (SessionCookie.Read(cookie, signingKeys, time.GetUtcNow()) is not { } ticket)
        {
            // An expired cookie is the common case, not an attack: it is not counted as a failure.
            Context.Items[typeof(AuthRefusal)] = new AuthRefusal.SessionEnded();
            return AuthenticateResult.Fail("The session has ended.");
        }

        if (!SessionCookie.PassesCsrf(Request, ticket, signingKeys))
        {
            Context.Items[typeof(AuthRefusal)] = new AuthRefusal.CsrfTokenMissing();
            return AuthenticateResult.Fail("The CSRF token is missing or wrong.");
        }

        return await VerifyAsync(ticket.OrgId, ticket.KeyId, ticket.KeyHash, client, ticket);
    }

    private async Task<AuthenticateResult> VerifyAsync(Guid orgId, Guid keyId, string hash, string client, SessionTicket? session)
    {
        if (refused.Contains(hash))
        {
            failures.Record(client);
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        // Every request asks the org: a silo leaving under that call must not turn the request into a 503.
        var org = grains.GetGrain<IOrgGrain>(orgId);
        var verdict = await SiloDepartures.CallAsync(() => org.VerifyApiKeyAsync(keyId, hash), idempotent: true, time);
        switch (verdict.Outcome)
        {
            case ApiKeyOutcome.Valid:
                var identity = new ClaimsIdentity([new Claim(OrgIdClaim, orgId.ToString()), new Claim(ScopeClaim, Scopes.Name(verdict.Scope))], SchemeName);
                if (verdict.AgentId is { } agentId)
                {
                    identity.AddClaim(new Claim(AgentIdClaim, agentId.ToString()));
                }

                // What the session API needs: the ticket a cookie carried, or the key a new session is made from.
                Context.Items[session is null ? typeof(PresentedKey) : typeof(SessionTicket)] = (object?)session ?? new PresentedKey(orgId, keyId, hash);

                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
            case ApiKeyOutcome.OrgDisabled:
                // Not remembered: the operator may enable the org again.
                Context.Items[typeof(AuthRefusal)] = new AuthRefusal.OrgDisabled();
                return AuthenticateResult.Fail("The org is disabled.");
            default:
                refused.Add(hash);
                failures.Record(client);
                return AuthenticateResult.Fail("The API key is not valid.");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}

/// <summary>An API key that authenticated the request (not a session cookie): a session may be made from it.</summary>
internal sealed record PresentedKey(Guid OrgId, Guid KeyId, string Hash);

/// <summary>Why a presented key was refused, when the answer is not a plain 401.</summary>
internal abstract record AuthRefusal
{
    public sealed record TooManyFailures(TimeSpan RetryAfter) : AuthRefusal;

    public sealed record OrgDisabled : AuthRefusal;

    /// <summary>The session cookie expired or was not made by a gateway of this cluster.</summary>
    public sealed record SessionEnded : AuthRefusal;

    /// <summary>A write by session cookie without the session's <c>X-CSRF-Token</c>.</summary>
    public sealed record CsrfTokenMissing : AuthRefusal;
}

internal static class OrgPrincipal
{
    /// <summary>The authenticated org. Only endpoints behind an org policy call this.</summary>
    public static Guid OrgId(this HttpContext http) =>
        Guid.Parse(http.User.FindFirstValue(ApiKeyAuthenticationHandler.OrgIdClaim)
            ?? throw new InvalidOperationException("The endpoint is not behind an org policy."));

    /// <summary>The agent an agent key names; null for any other key.</summary>
    public static Guid? AgentId(this HttpContext http) =>
        http.User.FindFirstValue(ApiKeyAuthenticationHandler.AgentIdClaim) is { } id ? Guid.Parse(id) : null;
}
