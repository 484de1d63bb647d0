using System.Net;
using System.Net.Http.Json;
using Outbound.Gateway.Sessions;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sessions;

/// <summary>
/// The web console signs in by exchanging an API key for a session cookie: HttpOnly and SameSite=Strict, so the
/// key never stays in the browser and scripts cannot read the session; its writes need the session's CSRF token.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SessionTests(OutboundSystem system)
{
    [Fact]
    public async Task An_admin_key_becomes_an_http_only_strict_cookie_that_reads_as_the_org()
    {
        var org = await system.CreateOrgAsync();

        var (cookie, session, setCookie) = await SignInAsync(org.ApiKey);

        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(org.ApiKey, setCookie);
        Assert.Equal(org.OrgId, session.OrgId);
        Assert.Equal("admin", session.Scope);
        Assert.InRange(session.ExpiresAt!.Value - DateTimeOffset.UtcNow, SessionCookie.Lifetime - TimeSpan.FromMinutes(5), SessionCookie.Lifetime);
        using var browser = Browser(cookie);
        var profile = await (await browser.GetAsync("/v1/org")).Json(HttpStatusCode.OK);
        Assert.Equal(org.OrgId, profile["orgId"]!.GetValue<Guid>());
        var again = await browser.GetFromJsonAsync<SessionResponse>("/v1/session");
        Assert.Equal(session.CsrfToken, again!.CsrfToken);
    }

    [Fact]
    public async Task A_write_with_the_cookie_needs_the_sessions_csrf_token()
    {
        var org = await system.CreateOrgAsync();
        var (cookie, session, _) = await SignInAsync(org.ApiKey);
        using var browser = Browser(cookie);
        var key = new { name = "from the console", scope = "send" };

        var forged = await browser.PostAsJsonAsync("/v1/api-keys", key);
        var problem = await forged.Json(HttpStatusCode.Forbidden);
        Assert.Contains("X-CSRF-Token", problem["detail"]!.GetValue<string>());

        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/v1/api-keys") { Content = JsonContent.Create(key) };
        // One character changed, at the front: a changed last character can still decode to the same bytes.
        var token = session.CsrfToken!;
        wrongToken.Headers.Add(SessionCookie.CsrfHeader, (token[0] == 'A' ? 'B' : 'A') + token[1..]);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(wrongToken)).StatusCode);

        using var genuine = new HttpRequestMessage(HttpMethod.Post, "/v1/api-keys") { Content = JsonContent.Create(key) };
        genuine.Headers.Add(SessionCookie.CsrfHeader, session.CsrfToken);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(genuine)).StatusCode);
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_sessions()
    {
        var org = await system.CreateOrgAsync();
        var created = await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "console", scope = "admin" })).Json(HttpStatusCode.Created);
        var (cookie, _, _) = await SignInAsync(created["key"]!.GetValue<string>());
        using var browser = Browser(cookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/v1/org")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/api-keys/{created["id"]}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/org")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/session")).StatusCode);
    }

    [Fact]
    public async Task An_expired_or_altered_cookie_is_refused_as_an_ended_session()
    {
        var org = await system.CreateOrgAsync();
        var (cookie, _, _) = await SignInAsync(org.ApiKey);
        var ticket = SessionCookie.Read(cookie, OutboundSystem.SigningKeys, DateTimeOffset.UtcNow)!;
        var expired = SessionCookie.Write(ticket with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, OutboundSystem.SigningKeys);
        var altered = SessionCookie.Write(ticket with { ExpiresAt = DateTimeOffset.UtcNow.AddDays(30) }, OutboundSystem.SigningKeys);
        // The tag of the original with a later expiry: what a user editing the cookie would make.
        var forged = altered[..altered.LastIndexOf('.')] + cookie[cookie.LastIndexOf('.')..];

        foreach (var value in new[] { expired, forged })
        {
            using var browser = Browser(value);
            var problem = await (await browser.GetAsync("/v1/org")).Json(HttpStatusCode.Unauthorized);
            Assert.Equal("The session has ended.", problem["title"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_send_key_gets_no_session()
    {
        var org = await system.CreateOrgAsync();
        var created = await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "integration", scope = "send" })).Json(HttpStatusCode.Created);
        using var client = system.WithBearer(created["key"]!.GetValue<string>());

        var response = await client.PostAsync("/v1/session", null);

        await response.Json(HttpStatusCode.Forbidden);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Signing_out_removes_the_cookie()
    {
        var org = await system.CreateOrgAsync();
        var (cookie, session, _) = await SignInAsync(org.ApiKey);
        using var browser = Browser(cookie);
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/v1/session");
        signOut.Headers.Add(SessionCookie.CsrfHeader, session.CsrfToken);

        var response = await browser.SendAsync(signOut);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var removal = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{SessionCookie.Name}=;", removal);
        Assert.Contains("expires=Thu, 01 Jan 1970", removal, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(string Cookie, SessionResponse Session, string SetCookie)> SignInAsync(string apiKey)
    {
        using var client = system.WithBearer(apiKey);
        var response = await client.PostAsync("/v1/session", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var value = setCookie[(SessionCookie.Name.Length + 1)..setCookie.IndexOf(';')];
        return (value, (await response.Content.ReadFromJsonAsync<SessionResponse>())!, setCookie);
    }

    /// <summary>A client that, like the console in a browser, has only the cookie.</summary>
    private HttpClient Browser(string cookie)
    {
        var client = system.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", $"{SessionCookie.Name}={cookie}");
        return client;
    }
}
