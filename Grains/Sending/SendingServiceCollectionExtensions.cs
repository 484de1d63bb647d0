using Microsoft.Extensions.Configuration;
using Outbound.Grains.Sending;

namespace Microsoft.Extensions.DependencyInjection;

public static class SendingServiceCollectionExtensions
{
    /// <summary>What the sender pool needs besides the provider clients: the per-channel concurrency cap.</summary>
    public static IServiceCollection AddSending(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(new ChannelConcurrency(configuration.GetValue(ChannelConcurrency.MaxCallsKey, ChannelConcurrency.DefaultMaxCalls)));
}
