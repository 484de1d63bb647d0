using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Providers;

namespace Outbound.Tests.Providers;

/// <summary>The provider clients as the silo registers them (AddMessageProviders), with every log captured at Trace.</summary>
public sealed class ProviderHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ProviderHarness(ServiceProvider services)
    {
        _services = services;
    }

    public IMessageProvider Twilio => For(ProviderKind.Twilio);

    public IMessageProvider For(ProviderKind kind) => _services.GetRequiredService<MessageProviders>().For(kind);

    /// <summary>The Twilio client as the finder of messages whose send had no clear answer.</summary>
    public ISentMessageFinder TwilioFinder => (ISentMessageFinder)Twilio;

    public IBatchMessageProvider Acs => (IBatchMessageProvider)For(ProviderKind.AzureCommunicationServices);

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public IServiceProvider Services => _services;

    /// <param name="twilioBaseUrl">TWILIO_BASE_URL: where the Twilio SDK's requests go.</param>
    /// <param name="timeoutSeconds">PROVIDER_TIMEOUT_SECONDS.</param>
    /// <param name="acsOnLoopback">ACS_ENDPOINT_ALLOW_LOOPBACK: the stub servers stand in for ACS resources on loopback.</param>
    public static ProviderHarness Create(Uri? twilioBaseUrl = null, double timeoutSeconds = 5, bool acsOnLoopback = true)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [ProviderSettings.TwilioBaseUrlKey] = twilioBaseUrl?.ToString(),
                [ProviderSettings.TimeoutSecondsKey] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [Outbound.Grains.Providers.Acs.AcsEndpointPolicy.AllowLoopbackKey] = acsOnLoopback ? "true" : "false",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging();
        services.AddMessageProviders(configuration);
        return new ProviderHarness(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>One query at a time, as most provider tests ask.</summary>
public static class SentMessageFinderExtensions
{
    public static async Task<SentMessageSearch> FindSentAsync(this ISentMessageFinder finder, SentMessageQuery query, Outbound.Channels.Channel channel, CancellationToken cancellationToken) =>
        (await finder.FindSentAsync([query], channel, cancellationToken))[0];
}
