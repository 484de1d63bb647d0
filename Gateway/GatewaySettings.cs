using Outbound.Security;

namespace Outbound.Gateway;

/// <summary>The gateway's settings; configuration keys double as environment variable names.</summary>
public sealed record GatewaySettings(
    string StorageConnectionString,
    string ClusterId,
    string ServiceId,
    int HttpPort,
    bool ListenOnAnyAddress,
    string AdminKey,
    SigningKeys SigningKeys)
{
    public const int DefaultReadRateLimitPerMinute = 6_000;
    public const int DefaultFailedAuthLimitPerMinute = 30;

    /// <summary><c>READ_RATE_LIMIT_PER_MINUTE</c>: GET requests an org may make per minute on one gateway.</summary>
    public int ReadRateLimitPerMinute { get; init; } = DefaultReadRateLimitPerMinute;

    /// <summary><c>FAILED_AUTH_LIMIT_PER_MINUTE</c>: API keys that are not valid a client address may present per minute before it gets 429.</summary>
    public int FailedAuthLimitPerMinute { get; init; } = DefaultFailedAuthLimitPerMinute;

    /// <summary>
    /// <c>SESSION_COOKIE_SECURE</c>: mark the console's session cookie Secure even when the gateway itself is reached over
    /// plain HTTP, as it is behind a proxy that ends TLS. A request made over HTTPS always gets a Secure cookie.
    /// </summary>
    public bool SessionCookieSecure { get; init; }

    /// <summary>
    /// <c>GATEWAY_LIST_REFRESH_SECONDS</c>: how often the gateway rereads which silos accept clients (Orleans' default is a
    /// minute). A dropped connection takes a silo out at once; the reread is what brings a restarted one back in.
    /// </summary>
    public TimeSpan GatewayListRefresh { get; init; } = TimeSpan.FromSeconds(DefaultGatewayListRefreshSeconds);

    public const int DefaultGatewayListRefreshSeconds = 10;

    public static GatewaySettings From(IConfiguration configuration) => new(
        StorageConnectionString: configuration["STORAGE_CONNECTION_STRING"] is { Length: > 0 } s ? s : "UseDevelopmentStorage=true",
        ClusterId: configuration["ORLEANS_CLUSTER_ID"] ?? "local",
        ServiceId: configuration["ORLEANS_SERVICE_ID"] ?? "outbound",
        HttpPort: configuration.GetValue("GATEWAY_PORT", 8080),
        ListenOnAnyAddress: configuration["POD_IP"] is { Length: > 0 },
        AdminKey: configuration["ADMIN_KEY"] ?? throw new InvalidOperationException("ADMIN_KEY is not set: the gateway needs the admin key to let the operator create orgs."),
        SigningKeys: SigningKeys.Parse(configuration[SigningKeys.SettingName]))
    {
        ReadRateLimitPerMinute = Positive(configuration, "READ_RATE_LIMIT_PER_MINUTE", DefaultReadRateLimitPerMinute),
        FailedAuthLimitPerMinute = Positive(configuration, "FAILED_AUTH_LIMIT_PER_MINUTE", DefaultFailedAuthLimitPerMinute),
        SessionCookieSecure = configuration.GetValue("SESSION_COOKIE_SECURE", false),
        GatewayListRefresh = TimeSpan.FromSeconds(Positive(configuration, "GATEWAY_LIST_REFRESH_SECONDS", DefaultGatewayListRefreshSeconds)),
    };

    private static int Positive(IConfiguration configuration, string key, int defaultValue) =>
        configuration.GetValue(key, defaultValue) is > 0 and var value ? value : throw new InvalidOperationException($"{key} is at least 1.");
}
