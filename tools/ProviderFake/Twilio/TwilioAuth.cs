using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Outbound.ProviderFake.Twilio;

/// <summary>HTTP Basic auth as Twilio's REST API does it: AccountSid:AuthToken, and the user must be the path's account.</summary>
public static class TwilioAuth
{
    /// <summary>True when the request carries the credentials of <paramref name="pathAccountSid"/>.</summary>
    public static bool IsAuthorized(HttpRequest request, string pathAccountSid, FakeSettings settings)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        return user == pathAccountSid &&
            settings.TwilioAccounts.TryGetValue(user, out var token) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(token));
    }

    public static IResult Challenge(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        return TwilioError.Result(TwilioErrorCodes.Authenticate, StatusCodes.Status401Unauthorized);
    }
}
