using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Orleans.Configuration;
using Outbound.Gateway.Activity;
using Outbound.Gateway.ApiDocument;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Callbacks;
using Outbound.Gateway.Campaigns;
using Outbound.Gateway.Channels;
using Outbound.Gateway.Contacts;
using Outbound.Gateway.Events;
using Outbound.Gateway.Conversations;
using Outbound.Gateway.Keys;
using Outbound.Gateway.Keywords;
using Outbound.Gateway.QuietHours;
using Outbound.Gateway.Limits;
using Outbound.Gateway.Configurations;
using Outbound.Gateway.WebConsole;
using Outbound.Gateway.Orgs;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Reports;
using Outbound.Gateway.Routing;
using Outbound.Gateway.Schedules;
using Outbound.Gateway.Sending;
using Outbound.Gateway.Sessions;
using Outbound.Gateway.Templates;
using Outbound.Gateway.Timeline;
using Outbound.Gateway.Triggers;
using Outbound.Hosting;

namespace Outbound.Gateway;

public static class Program
{
    private const string AdminPolicy = "admin";

    /// <summary>How deep a JSON request body may nest.</summary>
    public const int MaxJsonDepth = 16;

    public static Task Main(string[] args) => Create(args).RunAsync();

    /// <summary>Builds the gateway: the <c>/v1</c> HTTP API as an Orleans client of the cluster.</summary>
    /// <param name="configure">Lets tests add configuration or services before the host is built.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var settings = GatewaySettings.From(builder.Configuration);

        builder.WebHost.UseUrls($"http://{(settings.ListenOnAnyAddress ? "0.0.0.0" : "127.0.0.1")}:{settings.HttpPort}");
        // Endpoints set their own limits (BodyLimits); this one covers any request that reaches none.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = BodyLimits.Default);
        builder.AddServiceDefaults("outbound-gateway");
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(settings.StorageConnectionString));
            // A request's trace context travels with its grain calls.
            client.AddActivityPropagation();
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = settings.GatewayListRefresh);
            if (ClusterTls.From(builder.Configuration) is { } tls)
            {
                client.UseTls(tls.Certificate, tls.Configure);
            }
        });
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = BodyProblems.NameTheField);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<OverloadExceptionHandler>();
        // Surface unreadable bodies as exceptions so BadRequestExceptionHandler can name the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // No request body nests deeper than a few levels; a field given twice is a mistake or an attempt to
            // slip a value past whatever reads the first.
            o.SerializerOptions.MaxDepth = MaxJsonDepth;
            o.SerializerOptions.AllowDuplicateProperties = false;
            // A number is a JSON number: "10" is a string, so a field of the wrong type, as any other.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddApiDocument();

        builder.Services.AddCallerAuthentication(settings, AdminPolicy);
        builder.Services.AddReadRateLimits(settings.ReadRateLimitPerMinute);
        builder.Services.AddCampaignAudiences(settings, builder.Configuration);
        builder.Services.AddWebConsole();

        var app = builder.Build();
        app.UseExceptionHandler();
        // Empty 401/404/405 responses get an RFC 9457 body too.
        app.UseStatusCodePages();
        app.UseConsole();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization: reads are counted per org, which only an authenticated request names.
        app.UseRateLimiter();
        app.UseUtf8JsonBodies();

        app.MapDefaultEndpoints();
        app.MapOpenApi();

        var v1 = app.MapGroup("/v1").WithBodyLimit(BodyLimits.Default).RequireBody();
        v1.MapOrgAdministration(AdminPolicy);
        v1.MapCallbacks(builder.Configuration);
        v1.MapSessions(settings.SessionCookieSecure);
        // Each API key scope reaches its own routes (Auth/Scopes.cs); an admin key reaches them all.
        var anyKey = v1.MapGroup("").RequireAuthorization(Scopes.AnyKeyPolicy).RequireRateLimiting(ReadRateLimits.Policy);
        anyKey.MapOrgProfile();
        var admin = v1.MapGroup("").RequireAuthorization(Scopes.AdminPolicy).RequireRateLimiting(ReadRateLimits.Policy);
        admin.MapChannels();
        admin.MapTemplates();
        admin.MapOutboundConfigurations();
        admin.MapTimeline();
        admin.MapReports();
        admin.MapMessageSearch();
        admin.MapOrgUsage();
        admin.MapApiKeys();
        admin.MapKeywords();
        admin.MapQuietHours();
        admin.MapQueues();
        admin.MapAgents();
        admin.MapTriggers();
        admin.MapSchedules();
        admin.MapCampaigns();
        admin.MapCampaignAudience();
        var send = v1.MapGroup("").RequireAuthorization(Scopes.SendPolicy).RequireRateLimiting(ReadRateLimits.Policy);
        send.MapSending();
        send.MapContacts();
        send.MapEvents();
        var agent = v1.MapGroup("").RequireAuthorization(Scopes.AgentPolicy).RequireRateLimiting(ReadRateLimits.Policy);
        agent.MapAgentSelf();
        agent.MapConversations(admin);
        return app;
    }
}
