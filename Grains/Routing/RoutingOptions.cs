using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Outbound.Grains.Routing;

/// <summary>Settings of queues and agents.</summary>
public sealed class RoutingOptions
{
    /// <summary>The setting of <see cref="OfflineGrace"/>, in seconds.</summary>
    public const string OfflineGraceKey = "AGENT_OFFLINE_GRACE_SECONDS";

    /// <summary>
    /// How long an agent may stay offline before their conversations go back to their queues: long enough to ride
    /// out a dropped connection or a page reload.
    /// </summary>
    public TimeSpan OfflineGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an agent with something to watch (an offline grace, an unanswered limit) looks at the clock.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public static class RoutingServiceCollectionExtensions
{
    public static IServiceCollection AddConversationRouting(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<RoutingOptions>(o =>
        {
            if (configuration.GetValue<int?>(RoutingOptions.OfflineGraceKey) is { } seconds)
            {
                o.OfflineGrace = TimeSpan.FromSeconds(Math.Max(0, seconds));
            }
        });
}
