using System.Net;
using Outbound.Security;

namespace Outbound.Silo;

/// <summary>
/// The silo's settings, read from configuration keys that double as environment variable names
/// (the same names in <c>run.sh</c>, the README and the Kubernetes manifests).
/// </summary>
public sealed record SiloSettings(
    string StorageConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    int HttpPort,
    IPAddress AdvertisedAddress,
    bool ListenOnAnyAddress,
    string AdminKey,
    SigningKeys SigningKeys)
{
    /// <summary>
    /// <c>GRAIN_COLLECTION_AGE_SECONDS</c>: how long an idle grain stays in memory (Orleans' default, 15 minutes,
    /// when unset). The benchmark lowers it to show that completed send batches leave memory.
    /// </summary>
    public TimeSpan? GrainCollectionAge { get; init; }

    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static SiloSettings From(IConfiguration configuration)
    {
        // In a pod, POD_IP (downward API) is what other silos and gateways must dial; locally, loopback.
        var podIp = configuration["POD_IP"];
        return new SiloSettings(
            StorageConnectionString: configuration["STORAGE_CONNECTION_STRING"] is { Length: > 0 } s ? s : DevelopmentStorage,
            ClusterId: configuration["ORLEANS_CLUSTER_ID"] ?? "local",
            ServiceId: configuration["ORLEANS_SERVICE_ID"] ?? "outbound",
            SiloPort: configuration.GetValue("SILO_PORT", 11111),
            GatewayPort: configuration.GetValue("SILO_GATEWAY_PORT", 30000),
            HttpPort: configuration.GetValue("SILO_HTTP_PORT", 8081),
            AdvertisedAddress: podIp is { Length: > 0 } ? IPAddress.Parse(podIp) : IPAddress.Loopback,
            ListenOnAnyAddress: podIp is { Length: > 0 },
            AdminKey: configuration["ADMIN_KEY"] ?? throw new InvalidOperationException("ADMIN_KEY is not set: the silo needs the admin key to protect its dashboard."),
            SigningKeys: SigningKeys.Parse(configuration[SigningKeys.SettingName]))
        {
            GrainCollectionAge = configuration.GetValue<int?>("GRAIN_COLLECTION_AGE_SECONDS") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }
}
