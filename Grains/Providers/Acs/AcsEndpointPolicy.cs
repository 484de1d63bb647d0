using Microsoft.Extensions.Configuration;

namespace Outbound.Grains.Providers.Acs;

/// <summary>
/// Which hosts an ACS channel may name as its endpoint: the silo calls that host with the tenant's messages, so an
/// arbitrary one would let a tenant make the silo call anything it can reach (server-side request forgery).
/// </summary>
/// <param name="AllowedHosts">
/// <c>ACS_ENDPOINT_ALLOWED_HOSTS</c>: comma-separated host names; <c>*.</c> in front allows any subdomain (not the
/// name itself). Default <c>*.communication.azure.com</c>. Always over https.
/// </param>
/// <param name="AllowLoopback">
/// <c>ACS_ENDPOINT_ALLOW_LOOPBACK</c>: whether a loopback endpoint (http or https, where the provider fake runs) is
/// allowed too. Default: only in Development.
/// </param>
public sealed record AcsEndpointPolicy(IReadOnlyList<string> AllowedHosts, bool AllowLoopback)
{
    public const string AllowedHostsKey = "ACS_ENDPOINT_ALLOWED_HOSTS";
    public const string AllowLoopbackKey = "ACS_ENDPOINT_ALLOW_LOOPBACK";
    public const string DefaultAllowedHosts = "*.communication.azure.com";

    public static AcsEndpointPolicy From(IConfiguration configuration, bool isDevelopment) =>
        new(
            (configuration[AllowedHostsKey] is { Length: > 0 } hosts ? hosts : DefaultAllowedHosts)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            configuration.GetValue(AllowLoopbackKey, isDevelopment));

    /// <summary>Whether <paramref name="endpoint"/> is an ACS resource URL the silo may call: scheme, host and nothing after the root.</summary>
    public bool Allows(string? endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || uri.Query.Length > 0
            || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        if (uri.IsLoopback)
        {
            return AllowLoopback && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
        }

        return uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort && AllowedHosts.Any(pattern => Matches(uri.IdnHost, pattern));
    }

    /// <summary>What an endpoint must look like, for the error a tenant sees.</summary>
    public string Describe() =>
        $"endpoint is the resource's https URL on {string.Join(" or ", AllowedHosts)}, for example https://contoso.communication.azure.com/.";

    private static bool Matches(string host, string pattern) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.Length > pattern.Length - 1 && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(pattern, StringComparison.OrdinalIgnoreCase);
}
