using Outbound.Gateway.Auth;
using Outbound.Gateway.Limits;
using Outbound.Security;

namespace Outbound.Gateway.Sessions;

/// <summary>The console's session: who signed in and the token its writes carry.</summary>
/// <param name="Scope">The scope of the key the session was made from: <c>admin</c> or <c>agent</c>.</param>
/// <param name="AgentId">With an agent key: the agent the session acts as.</param>
/// <param name="ExpiresAt">When the session ends; absent when the request was made with an API key instead of the cookie.</param>
/// <param name="CsrfToken">
/// Sent back in the <c>X-CSRF-Token</c> header of every write made with the session cookie; absent when the request
/// was made with an API key.
/// </param>
public sealed record SessionResponse(Guid OrgId, string Scope, Guid? AgentId, DateTimeOffset? ExpiresAt, string? CsrfToken);

internal static class SessionApi
{
    /// <summary>
    /// <c>POST/GET/DELETE /v1/session</c>: the web console exchanges an API key for an HttpOnly session cookie, so
    /// the key is never kept in the browser.
    /// </summary>
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder v1, bool secureCookie)
    {
        var session = v1.MapGroup("/session").WithTags("Session").RequireRateLimiting(ReadRateLimits.Policy);

        session.MapPost("", (HttpContext http, SigningKeys keys, TimeProvider time) =>
        {
            if (http.Items[typeof(PresentedKey)] is not PresentedKey key)
            {
                // Made with the cookie: a session is not renewed by itself, so a stolen cookie dies with its expiry.
                return Problem(StatusCodes.Status400BadRequest, "Sign in with an API key.",
                    "POST /v1/session takes the API key in the Authorization header (Bearer); a session cannot renew itself.");
            }

            var scope = http.User.FindFirst(ApiKeyAuthenticationHandler.ScopeClaim)?.Value;
            if (scope is not ("admin" or "agent"))
            {
                return Problem(StatusCodes.Status403Forbidden, "The console takes admin and agent keys.",
                    $"This key's scope is '{scope}': a send key is for integrations and has no pages in the console.");
            }

            var ticket = SessionCookie.New(key.OrgId, key.KeyId, key.Hash, time.GetUtcNow());
            http.Response.Cookies.Append(SessionCookie.Name, SessionCookie.Write(ticket, keys), SessionCookie.Options(http.Request, secureCookie, ticket.ExpiresAt));
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(Response(http, ticket, keys));
        })
        .RequireAuthorization(Scopes.AnyKeyPolicy)
        .WithName("CreateSession")
        .WithSummary("Sign in to the console")
        .WithDescription("Exchanges the API key in the Authorization header (an admin or agent key) for a session cookie: HttpOnly, SameSite=Strict, "
            + "ending after 8 hours or as soon as the key is revoked. Writes made with the cookie must carry the answer's csrfToken in X-CSRF-Token.")
        .Produces<SessionResponse>()
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

        session.MapGet("", (HttpContext http, SigningKeys keys) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(Response(http, http.Items[typeof(SessionTicket)] as SessionTicket, keys));
        })
        .RequireAuthorization(Scopes.AnyKeyPolicy)
        .WithName("GetSession")
        .WithSummary("Get the current session")
        .WithDescription("Who the session cookie (or API key) is, and the session's csrfToken: the console calls it on load. 401 once the session has ended.")
        .Produces<SessionResponse>()
        .ProducesProblem(StatusCodes.Status401Unauthorized);

        session.MapDelete("", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(SessionCookie.Name, SessionCookie.Options(http.Request, secureCookie, DateTimeOffset.UnixEpoch));
            return Results.NoContent();
        })
        .RequireAuthorization(Scopes.AnyKeyPolicy)
        .WithName("DeleteSession")
        .WithSummary("Sign out of the console")
        .WithDescription("Removes the session cookie from the browser (a write: it needs the session's X-CSRF-Token). To end every session of a key at once, revoke the key.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);

        return v1;
    }

    private static SessionResponse Response(HttpContext http, SessionTicket? ticket, SigningKeys keys) => new(
        http.OrgId(),
        http.User.FindFirst(ApiKeyAuthenticationHandler.ScopeClaim)?.Value ?? "",
        http.AgentId(),
        ticket?.ExpiresAt,
        ticket?.CsrfToken(keys));

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
