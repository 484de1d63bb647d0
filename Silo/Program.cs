using Azure.Data.Tables;
using Microsoft.AspNetCore.Authentication;
using System.Text.Json.Serialization;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Dashboard;
using Orleans.Storage;
using Outbound.Grains;
using Outbound.Grains.Conversations;
using Outbound.Grains.Routing;
using Outbound.Grains.Storage;
using Outbound.Hosting;
using Outbound.Silo.Kubernetes;
using Outbound.Silo.Storage;

namespace Outbound.Silo;

public static class Program
{
    private const string MessagesTable = "Messages";

    // Orleans' own table storage under the messages store's row-key layer (StorageNames.Messages).
    private const string MessagesTableStorage = "messages-table";
    private const string ConversationsTable = "Conversations";
    private const string EventsTable = "Events";

    private const string DashboardPath = "/dashboard";
    private static readonly PathString DashboardGrainStatePath = DashboardPath + "/GrainState";

    public static Task Main(string[] args) => Create(args).RunAsync();

    /// <summary>Builds the silo host: Orleans on Azure Table storage plus the health endpoints and the dashboard.</summary>
    /// <param name="configure">Lets tests add configuration or services before the host is built.</param>
    /// <param name="configureSilo">Lets tests change the silo after its own setup (wrap a storage provider, add a call filter).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var settings = SiloSettings.From(builder.Configuration);

        builder.WebHost.UseUrls($"http://{(settings.ListenOnAnyAddress ? "0.0.0.0" : "127.0.0.1")}:{settings.HttpPort}");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(120));
        builder.AddServiceDefaults("outbound-silo");
        var tls = ClusterTls.From(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddOutboundSilo(settings);
            // Grain calls carry the caller's trace context, so a send's spans form one trace across the cluster.
            silo.AddActivityPropagation();
            if (tls is not null)
            {
                silo.UseTls(tls.Certificate, tls.Configure);
            }

            configureSilo?.Invoke(silo);
        });
        builder.Services.AddMessageProviders(builder.Configuration, builder.Environment.IsDevelopment());
        // One client for the tables the silo's services write beside grain state (secrets' key ring, activity, conversations).
        var tables = Tables(settings);
        builder.Services.AddSecrets(builder.Configuration, tables, settings.ServiceId, builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(settings.SigningKeys);
        builder.Services.AddSending(builder.Configuration);
        builder.Services.AddConversationRouting(builder.Configuration);
        builder.Services.AddActivities(builder.Configuration, tables);
        builder.Services.AddConversations(tables);
        builder.Services.AddCampaigns(settings.StorageConnectionString);

        builder.Services.AddAuthentication(AdminKeyAuthenticationHandler.SchemeName)
            .AddScheme<AdminKeyOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, o => o.AdminKey = settings.AdminKey);
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        // The dashboard has no switch for its grain-state view, which would show what activations hold in memory
        // (channel credentials, opened for sending): its endpoint is answered here, before the dashboard sees it.
        app.Use((context, next) => context.Request.Path.StartsWithSegments(DashboardGrainStatePath, StringComparison.OrdinalIgnoreCase)
            ? Results.NotFound().ExecuteAsync(context)
            : next(context));
        // The dashboard shows grain keys and statistics: an operator surface, never public.
        app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(p => p.RequireRole(AdminKeyAuthenticationHandler.Role));
        return app;
    }

    /// <summary>
    /// A Table storage client whose calls give up within about half a minute (the SDK's default waits 100 s per
    /// try, four tries): a stalled storage account then surfaces as a failure that delivery retries and callers
    /// see as 503, instead of grain calls timing out behind it.
    /// </summary>
    private static TableServiceClient Tables(SiloSettings settings)
    {
        var options = new TableClientOptions();
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        return new TableServiceClient(settings.StorageConnectionString, options);
    }

    /// <summary>Clustering, grain storage and reminders on Azure Table storage, all from one connection string.</summary>
    public static ISiloBuilder AddOutboundSilo(this ISiloBuilder silo, SiloSettings settings)
    {
        var tables = Tables(settings);
        silo.UseKubernetesHostingInPod();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, settings.ListenOnAnyAddress);
        silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = settings.Membership.ProbeTimeout;
            o.NumMissedProbesLimit = settings.Membership.MissedProbesLimit;
            o.NumVotesForDeathDeclaration = settings.Membership.VotesForDeath;
            o.TableRefreshTimeout = settings.Membership.TableRefresh;
            o.IAmAliveTablePublishTimeout = settings.Membership.IAmAlivePublish;
        });
        silo.AddAzureTableGrainStorage(StorageNames.Catalog, o =>
        {
            o.TableServiceClient = tables;
            o.TableName = "Catalog";
        });
        silo.AddAzureTableGrainStorage(MessagesTableStorage, o =>
        {
            o.TableServiceClient = tables;
            o.TableName = MessagesTable;
        });
        // The store of one row per request and per contact: each grain gets a row key of its own (see GrainRowKeyStorage).
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Messages, (services, _) => new GrainRowKeyStorage(
            services.GetRequiredKeyedService<IGrainStorage>(MessagesTableStorage),
            () => RowKeyLayout.HasLegacyRowsAsync(tables.GetTableClient(MessagesTable))));
        // Written per inbound message and per assignment by many small grains: their writes share transactions.
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Conversations, (services, _) => new GroupCommitTableStorage(
            tables.GetTableClient(ConversationsTable), services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<TableGroupCommit>()));
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Events, (services, _) => new GroupCommitTableStorage(
            tables.GetTableClient(EventsTable), services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<TableGroupCommit>()));
        silo.UseAzureTableReminderService(o => o.TableServiceClient = tables);
        // Plain JSON without CLR type names: renaming a state type or the Grains assembly keeps stored state readable.
        silo.UseSystemTextJsonGrainStorageSerializer();
        // Absent reads back as null anyway; a batch's messages have a dozen mostly-null fields each, and every
        // byte of a batch is written several times (docs/benchmarks.md has what it saves).
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => o.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        // A storage failure reaches callers as one exception type they answer with 503, never a 500.
        silo.AddIncomingGrainCallFilter<StorageFaultFilter>();
        silo.AddDashboard();
        if (settings.GrainCollectionAge is { } age)
        {
            // The collector runs every quantum; it must run more often than the age for the age to mean anything.
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionAge = age;
                o.CollectionQuantum = TimeSpan.FromSeconds(Math.Clamp(age.TotalSeconds / 2, 1, 60));
            });
        }

        return silo;
    }
}
