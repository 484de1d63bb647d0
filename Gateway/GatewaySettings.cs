namespace Outbound.Gateway;

/// <summary>The gateway's settings; configuration keys double as environment variable names.</summary>
public sealed record GatewaySettings(
    string StorageConnectionString,
    string ClusterId,
    string ServiceId,
    int HttpPort,
    bool ListenOnAnyAddress,
    string AdminKey)
{
    public static GatewaySettings From(IConfiguration configuration) => new(
        StorageConnectionString: configuration["STORAGE_CONNECTION_STRING"] is { Length: > 0 } s ? s : "UseDevelopmentStorage=true",
        ClusterId: configuration["ORLEANS_CLUSTER_ID"] ?? "local",
        ServiceId: configuration["ORLEANS_SERVICE_ID"] ?? "outbound",
        HttpPort: configuration.GetValue("GATEWAY_PORT", 8080),
        ListenOnAnyAddress: configuration["POD_IP"] is { Length: > 0 },
        AdminKey: configuration["ADMIN_KEY"] ?? throw new InvalidOperationException("ADMIN_KEY is not set: the gateway needs the admin key to let the operator create orgs."));
}
