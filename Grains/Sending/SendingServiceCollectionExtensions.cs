using Microsoft.Extensions.Configuration;
using Outbound.Grains.Providers;
using Outbound.Grains.Sending;
using Outbound.Grains.Telemetry;
using Outbound.Security;

namespace Microsoft.Extensions.DependencyInjection;

public static class SendingServiceCollectionExtensions
{
    /// <summary>
    /// What sending needs besides the provider clients: the per-channel concurrency cap, the admission limit, the
    /// callback URLs (signed with the cluster's <see cref="SigningKeys"/>, registered by the host), delivery's time bounds
    /// and the product's metrics.
    /// </summary>
    public static IServiceCollection AddSending(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddSingleton<OutboundMetrics>()
            .AddSingleton(DeliveryTiming.From(ProviderSettings.From(configuration), configuration))
            .AddSingleton(new ChannelConcurrency(configuration.GetValue(ChannelConcurrency.MaxCallsKey, ChannelConcurrency.DefaultMaxCalls)))
            .AddSingleton(sp => new DeliveryBacklog(configuration.GetValue(DeliveryBacklog.LimitKey, DeliveryBacklog.DefaultLimit), sp.GetRequiredService<OutboundMetrics>()))
            .AddSingleton(sp => new CallbackUrls(
                configuration[CallbackUrls.PublicBaseUrlKey] is { Length: > 0 } url ? new Uri(url) : null, sp.GetRequiredService<SigningKeys>()));
}
