using Microsoft.Extensions.DependencyInjection.Extensions;
using Outbound.ProviderFake.Acs;
using Outbound.ProviderFake.Faults;
using Outbound.ProviderFake.Handset;
using Outbound.ProviderFake.Inbound;
using Outbound.ProviderFake.Ledger;
using Outbound.ProviderFake.Twilio;

namespace Outbound.ProviderFake;

/// <summary>
/// A loopback stand-in for Twilio's Messages API and ACS SMS: the same wire contracts, auth and error codes,
/// status callbacks and Event Grid deliveries, plus injectable faults and a ledger of what was accepted.
/// </summary>
public static class Program
{
    public static Task Main(string[] args) => Create(args).RunAsync();

    /// <summary>Builds the fake, listening on <c>http://127.0.0.1:{PROVIDER_FAKE_PORT}</c>.</summary>
    /// <param name="configure">Lets tests add configuration or services before the host is built.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Per-request logs would dominate a benchmark; the fake logs its own warnings (failed callbacks) only.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        configure?.Invoke(builder);
        var settings = FakeSettings.From(builder.Configuration);

        builder.WebHost.UseUrls($"http://127.0.0.1:{settings.Port}");
        builder.Services.AddSingleton(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<MessageLedger>();
        builder.Services.AddSingleton<TwilioMessageStore>();
        builder.Services.AddSingleton<AcsRepeatability>();
        builder.Services.AddSingleton<BackgroundWork>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<StatusCallbacks>();
        builder.Services.AddSingleton<AcsEventPublisher>();
        // Twilio's webhook client gives up after 15 s (providers.md §1.7).
        builder.Services.AddHttpClient(WebhookSender.ClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 256 });

        var app = builder.Build();
        // A cleared ledger starts a new run: the fetchable messages and the repeatability ids go with it.
        var ledger = app.Services.GetRequiredService<MessageLedger>();
        ledger.Cleared += app.Services.GetRequiredService<TwilioMessageStore>().Clear;
        ledger.Cleared += app.Services.GetRequiredService<AcsRepeatability>().Clear;

        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        app.MapTwilio();
        app.MapAcs();
        app.MapInbound();
        app.MapHandset();
        app.MapLedger();
        app.MapFaults();
        return app;
    }
}
