using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Channels;
using Outbound.Grains.Providers;
using Outbound.Grains.Providers.Acs;
using Outbound.Grains.Providers.Twilio;

namespace Outbound.Tests.Providers;

/// <summary>AddMessageProviders, as the silo calls it.</summary>
public sealed class MessageProviderRegistrationTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value))
            .Build();
        return new ServiceCollection().AddLogging().AddMessageProviders(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Both_providers_are_registered_and_found_by_kind()
    {
        using var services = Build();
        var providers = services.GetRequiredService<MessageProviders>();

        Assert.IsType<TwilioMessageProvider>(providers.For(ProviderKind.Twilio));
        Assert.IsType<AcsMessageProvider>(providers.For(ProviderKind.AzureCommunicationServices));
    }

    [Fact]
    public void Settings_come_from_the_environment_style_keys()
    {
        using var services = Build(("TWILIO_BASE_URL", "http://127.0.0.1:8090"), ("PROVIDER_TIMEOUT_SECONDS", "12"));

        Assert.Equal(new ProviderSettings(new Uri("http://127.0.0.1:8090"), TimeSpan.FromSeconds(12)), services.GetRequiredService<ProviderSettings>());
    }

    [Fact]
    public void Defaults_are_the_real_twilio_host_and_a_ten_second_timeout()
    {
        using var services = Build();

        Assert.Equal(new ProviderSettings(null, TimeSpan.FromSeconds(10)), services.GetRequiredService<ProviderSettings>());
    }

    [Fact]
    public void A_twilio_base_url_that_is_not_an_http_url_is_refused_at_startup()
    {
        Assert.Throws<InvalidOperationException>(() => Build(("TWILIO_BASE_URL", "127.0.0.1:8090")));
    }
}
