using Microsoft.Extensions.Configuration;
using Outbound.Grains.Sending;

namespace Microsoft.Extensions.DependencyInjection;

public static class SendingServiceCollectionExtensions
{
    /// <summary>What sending needs besides the provider clients: the per-channel concurrency cap and the callback URLs.</summary>
    public static IServiceCollection AddSending(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddSingleton(new ChannelConcurrency(configuration.GetValue(ChannelConcurrency.MaxCallsKey, ChannelConcurrency.DefaultMaxCalls)))
            .AddSingleton(new CallbackUrls(configuration[CallbackUrls.PublicBaseUrlKey] is { Length: > 0 } url ? new Uri(url) : null));
}
