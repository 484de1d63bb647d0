using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Outbound.Hosting;

namespace Outbound.Gateway.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Who may call: the operator by the admin key (<paramref name="adminPolicy"/>), orgs by API keys of a scope
    /// (<see cref="Scopes"/>); forged keys, refused keys and clients with too many failures never reach the cluster.
    /// </summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, GatewaySettings settings, string adminPolicy)
    {
        services.AddAuthentication()
            .AddScheme<AdminKeyOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, o => o.AdminKey = settings.AdminKey)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton(settings.SigningKeys);
        services.AddSingleton(_ => new FailedAuthentications(settings.FailedAuthLimitPerMinute));
        services.AddSingleton<RefusedKeys>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalResponses>();
        services.AddAuthorizationBuilder()
            .AddPolicy(adminPolicy, p => p.AddAuthenticationSchemes(AdminKeyAuthenticationHandler.SchemeName).RequireRole(AdminKeyAuthenticationHandler.Role))
            .AddOrgPolicies();
        return services;
    }
}
