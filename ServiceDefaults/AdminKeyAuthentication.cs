using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outbound.Hosting;

/// <summary>The operator's admin key, from configuration (<c>ADMIN_KEY</c>).</summary>
public sealed class AdminKeyOptions : AuthenticationSchemeOptions
{
    public string AdminKey { get; set; } = "";
}

/// <summary>
/// Authenticates the operator by the admin key, sent as <c>Authorization: Bearer &lt;key&gt;</c> or, so a
/// browser can open the dashboard, as HTTP Basic with any user name and the key as password.
/// </summary>
public sealed class AdminKeyAuthenticationHandler(IOptionsMonitor<AdminKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AdminKeyOptions>(options, logger, encoder)
{
    public const string SchemeName = "AdminKey";
    public const string Role = "admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request.Headers.Authorization.ToString());
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Options.AdminKey.Length == 0 || !FixedTimeEquals(presented, Options.AdminKey))
        {
            return Task.FromResult(AuthenticateResult.Fail("The admin key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"outbound admin\", charset=\"UTF-8\"";
        return base.HandleChallengeAsync(properties);
    }

    private static string? PresentedKey(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':');
                return colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
