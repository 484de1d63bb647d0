using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Grains;
using Outbound.Grains.Providers.Acs;
using Outbound.Grains.Secrets;
using Outbound.Templates;

namespace Outbound.Tests.Configurations;

/// <summary>The configuration's cached template must follow template updates made through another silo.</summary>
public sealed class ConfigurationCacheClusterTests : IAsyncLifetime
{
    private readonly Guid _orgId = Guid.NewGuid();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Catalog);
            silo.UseSystemTextJsonGrainStorageSerializer();
            // What a channel grain needs: a sealer (keys in memory will do here) and the ACS endpoint rules.
            silo.Services.AddSingleton(new SecretSealer(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()));
            silo.Services.AddSingleton(AcsEndpointPolicy.From(new ConfigurationBuilder().Build(), isDevelopment: false));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_template_update_on_one_silo_reaches_the_configuration_cached_on_the_other()
    {
        var grains = _cluster.Client;
        var (channelId, templateId, configurationId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var template = grains.GetGrain<ITemplateGrain>(CatalogKeys.Item(_orgId, templateId));
        var configuration = grains.GetGrain<IConfigurationGrain>(CatalogKeys.Item(_orgId, configurationId));
        await grains.GetGrain<IChannelGrain>(CatalogKeys.Item(_orgId, channelId)).CreateAsync(new Channel(
            "SMS", ChannelType.Sms, ProviderKind.Twilio, "+14155550100", null, new TwilioAccount("AC0123456789abcdef0123456789abcdef", new Secret("t")), null));
        await template.CreateAsync(Sms("Old text"));
        await configuration.CreateAsync(new OutboundConfiguration("Case created", true, ChannelType.Sms, channelId, templateId));

        Assert.Equal("Old text", (await configuration.RenderAsync("en-US", []))!.Message!.Text);
        // Put the template on the other silo than the configuration that now caches it.
        var configurationSilo = SiloOf(configuration);
        if (SiloOf(template).Equals(configurationSilo))
        {
            var other = _cluster.GetActiveSilos().Select(s => s.SiloAddress).First(s => !s.Equals(configurationSilo));
            await _cluster.MigrateAsync(template, other).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.NotEqual(configurationSilo, SiloOf(template));

        await template.ReplaceAsync(Sms("New text"));

        Assert.Equal("New text", (await configuration.RenderAsync("en-US", []))!.Message!.Text);
        Assert.Equal(configurationSilo, SiloOf(configuration));
    }

    private SiloAddress SiloOf(IAddressable grain)
    {
        Assert.True(_cluster.TryGetGrainContext(grain.GetGrainId(), out var context), $"{grain.GetGrainId()} is not active.");
        return context!.Address.SiloAddress!;
    }

    private static MessageTemplate Sms(string body) =>
        new("Case created", ChannelType.Sms, "en-US", ImmutableDictionary<string, TemplateVersion>.Empty.Add("en-US", TemplateVersion.Sms(body)));
}
