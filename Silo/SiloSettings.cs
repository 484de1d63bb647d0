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

    /// <summary>How quickly the cluster notices a silo that stopped answering (see <see cref="MembershipTiming"/>).</summary>
    public MembershipTiming Membership { get; init; } = MembershipTiming.Default;

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
            Membership = MembershipTiming.From(configuration),
        };
    }
}

/// <summary>
/// The membership protocol's timing. Orleans' defaults (5 s probes, 3 missed) leave a dead silo's grains unreachable for
/// about 17 s; these detect one in a few seconds, while the probe timeout stays long enough that a busy machine's pauses
/// do not get healthy silos voted dead (Orleans also stretches the timeout while the prober itself is degraded).
/// </summary>
/// <param name="ProbeTimeout"><c>MEMBERSHIP_PROBE_TIMEOUT_SECONDS</c>: a probe unanswered this long counts as missed.</param>
/// <param name="MissedProbesLimit"><c>MEMBERSHIP_MISSED_PROBES_LIMIT</c>: missed probes in a row before a silo votes the other one dead.</param>
/// <param name="VotesForDeath"><c>MEMBERSHIP_VOTES_FOR_DEATH</c>: votes that declare a silo dead (fewer when fewer silos are left to vote).</param>
/// <param name="TableRefresh"><c>MEMBERSHIP_TABLE_REFRESH_SECONDS</c>: how often each silo rereads the membership table, beside the gossip.</param>
/// <param name="IAmAlivePublish"><c>MEMBERSHIP_I_AM_ALIVE_SECONDS</c>: how often a silo writes its heartbeat to the table (what clients and the dashboard read).</param>
public sealed record MembershipTiming(TimeSpan ProbeTimeout, int MissedProbesLimit, int VotesForDeath, TimeSpan TableRefresh, TimeSpan IAmAlivePublish)
{
    public static MembershipTiming Default { get; } = new(TimeSpan.FromSeconds(2), 2, 2, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10));

    public static MembershipTiming From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(Positive(configuration, "MEMBERSHIP_PROBE_TIMEOUT_SECONDS", Default.ProbeTimeout.TotalSeconds)),
        (int)Positive(configuration, "MEMBERSHIP_MISSED_PROBES_LIMIT", Default.MissedProbesLimit),
        (int)Positive(configuration, "MEMBERSHIP_VOTES_FOR_DEATH", Default.VotesForDeath),
        TimeSpan.FromSeconds(Positive(configuration, "MEMBERSHIP_TABLE_REFRESH_SECONDS", Default.TableRefresh.TotalSeconds)),
        TimeSpan.FromSeconds(Positive(configuration, "MEMBERSHIP_I_AM_ALIVE_SECONDS", Default.IAmAlivePublish.TotalSeconds)));

    private static double Positive(IConfiguration configuration, string key, double defaultValue) =>
        configuration.GetValue(key, defaultValue) is > 0 and var value ? value : throw new InvalidOperationException($"{key} is above 0.");
}
