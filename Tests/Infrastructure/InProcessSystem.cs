using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using Outbound.Activities;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Configurations;
using Outbound.Grains;
using Outbound.Grains.Activities;
using Outbound.Grains.Providers;
using Outbound.Grains.Providers.Acs;
using Outbound.Grains.Secrets;
using Outbound.Grains.Storage;
using Outbound.Orgs;
using Outbound.Sending;
using Outbound.Templates;

namespace Outbound.Tests.Infrastructure;

/// <summary>
/// The grains in one in-process silo (Orleans' <see cref="InProcessTestCluster"/>), for the fast unit layer: every
/// grain store and the reminders in memory, the activity indexes in memory (<see cref="InMemoryActivityStore"/>),
/// and a provider in memory (<see cref="InMemoryProvider"/>). No Azurite, no sockets, no processes: a test talks to
/// the grains as the gateway would. Share one per test class (<c>IClassFixture</c>) and give each test its own org.
/// </summary>
public sealed class InProcessSystem : IAsyncLifetime
{
    public const string From = "+14155550100";

    private InProcessTestCluster _cluster = null!;

    /// <summary>The real clock plus an offset: set at twenty past an hour, so an hourly quota window never turns mid-test.</summary>
    public ShiftedClock Clock { get; } = new();

    public InMemoryActivityStore Activities { get; } = new();

    public InMemoryProvider Provider { get; } = new();

    public IGrainFactory Grains => _cluster.Client;

    /// <summary>The silo's services, for what a test reads beside the grains (its meters).</summary>
    public IServiceProvider SiloServices => ((InProcessSiloHandle)_cluster.Silos[0]).SiloHost.Services;

    public async Task InitializeAsync()
    {
        var now = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromMinutes(20) - (now - new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero)));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Catalog);
            silo.AddMemoryGrainStorage(StorageNames.Messages);
            silo.AddMemoryGrainStorage(StorageNames.Conversations);
            silo.AddMemoryGrainStorage(StorageNames.Events);
            silo.UseInMemoryReminderService();
            // As the silo stores state: JSON without type names and without nulls, so a state type that does not
            // round-trip fails here too.
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => o.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
            silo.AddIncomingGrainCallFilter<StorageFaultFilter>();

            var services = silo.Services;
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IActivityStore>(Activities);
            services.AddSingleton(ActivitySettings.From(configuration));
            services.AddSingleton(new MessageProviders([Provider]));
            services.AddSingleton(AcsEndpointPolicy.From(configuration, isDevelopment: true));
            services.AddSingleton(OutboundSystem.SigningKeys);
            services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
            services.AddSingleton<SecretSealer>();
            services.AddSending(configuration);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>A new org with its hourly limit of send requests.</summary>
    public async Task<Guid> CreateOrgAsync(int requestsPerHour = OrgSettings.DefaultMaxRequestsPerHour)
    {
        var orgId = Guid.NewGuid();
        var org = Grains.GetGrain<IOrgGrain>(orgId);
        await org.CreateAsync("Contoso", new NewApiKey(Guid.NewGuid(), "default", ApiKeyScope.Admin, "hash", "sk_"));
        await org.UpdateSettingsAsync(new OrgSettings(MaxRequestsPerHour: requestsPerHour));
        return orgId;
    }

    /// <summary>A Twilio SMS channel, a template "Hi {CustomerName}." and a configuration (shown in the timeline) binding them.</summary>
    public async Task<Guid> CreateSmsConfigurationAsync(Guid orgId)
    {
        var channelId = Guid.CreateVersion7();
        var templateId = Guid.CreateVersion7();
        var configurationId = Guid.CreateVersion7();
        Created(await Grains.GetGrain<IChannelGrain>(CatalogKeys.Item(orgId, channelId)).CreateAsync(
            new Channel("Support SMS", ChannelType.Sms, ProviderKind.Twilio, From, null, new TwilioAccount(Api.AccountSid, new Outbound.Channels.Secret(Api.TwilioAuthToken)), null)));
        Created(await Grains.GetGrain<ITemplateGrain>(CatalogKeys.Item(orgId, templateId)).CreateAsync(
            new MessageTemplate("Case created", ChannelType.Sms, "en-US", ImmutableDictionary<string, TemplateVersion>.Empty.Add("en-US", TemplateVersion.Sms("Hi {CustomerName}.")))));
        Created(await Grains.GetGrain<IConfigurationGrain>(CatalogKeys.Item(orgId, configurationId)).CreateAsync(
            new OutboundConfiguration("Case created", ShowInTimeline: true, ChannelType.Sms, channelId, templateId)));
        return configurationId;
    }

    /// <summary>Sends one message per contact, as the gateway's send endpoint does.</summary>
    public Task<SendReceipt> SendAsync(Guid orgId, Guid configurationId, params SendContact[] contacts)
    {
        var request = new SendRequest(configurationId, [.. contacts]);
        return Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, Guid.CreateVersion7())).AcceptAsync(request, Guid.NewGuid().ToString("N"));
    }

    /// <summary>A contact who opted in, with a customer name for the template.</summary>
    public static SendContact Contact(string to, string? regarding = null) =>
        new(to, OptIn: true, null, ImmutableDictionary<string, string>.Empty.Add("CustomerName", "Ada"), regarding);

    /// <summary>A valid number no other test uses (an exchange starts at 2 in North America).</summary>
    public static string UniqueNumber() => $"+1415{Random.Shared.Next(2_000_000, 10_000_000)}";

    /// <summary>The message once it is in one of <paramref name="statuses"/>.</summary>
    public Task<MessageView> WaitForMessageAsync(Guid orgId, string messageId, params MessageStatus[] statuses)
    {
        Assert.True(MessageIds.TryParse(messageId, out var batchId, out var index), messageId);
        var batch = Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, batchId));
        return Eventually.ReturnsAsync(async () => (await batch.GetMessageAsync(index))!, m => m is not null && statuses.Contains(m.Status));
    }

    private static void Created<TItem>(SaveResult<TItem> result)
        where TItem : class => Assert.True(result.Status == SaveStatus.Saved, $"Not created: {string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
}
