using System.Net.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Outbound.Grains.Providers;
using Outbound.Grains.Providers.Acs;
using Outbound.Grains.Providers.Twilio;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SMS/WhatsApp provider clients.</summary>
public static class MessageProviderServiceCollectionExtensions
{
    // Connections are recycled by the primary handler instead of by rotating handlers (see below).
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    // A Messages list page of 1,000 messages with long bodies: about 10 MB at most.
    private const int TwilioMaxPageBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Adds <see cref="TwilioMessageProvider"/> and <see cref="AcsMessageProvider"/> as <see cref="IMessageProvider"/>s,
    /// <see cref="MessageProviders"/> to pick one by kind, their HTTP clients, and <see cref="TimeProvider.System"/>
    /// unless a <see cref="TimeProvider"/> is already registered. Reads <see cref="ProviderSettings"/> from
    /// <paramref name="configuration"/> (<c>TWILIO_BASE_URL</c>, <c>PROVIDER_TIMEOUT_SECONDS</c>) and the
    /// <see cref="AcsEndpointPolicy"/> (<c>ACS_ENDPOINT_ALLOWED_HOSTS</c>, <c>ACS_ENDPOINT_ALLOW_LOOPBACK</c>, whose default
    /// is <paramref name="isDevelopment"/>).
    /// </summary>
    public static IServiceCollection AddMessageProviders(this IServiceCollection services, IConfiguration configuration, bool isDevelopment = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = ProviderSettings.From(configuration);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(AcsEndpointPolicy.From(configuration, isDevelopment));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AcsRequestSigner>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageProvider, TwilioMessageProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageProvider, AcsMessageProvider>());
        services.TryAddSingleton<MessageProviders>();

        // Twilio: NO retry. Messages create has no idempotency key, so a resend after a timeout or a 5xx could
        // deliver the message twice; the caller decides (SendStatus.Ambiguous). Only what cannot duplicate is
        // here: a per-attempt timeout, and a circuit breaker that fails fast (before sending) while Twilio is down.
        // Handler order: resilience (outer) → base-URL rewrite and response capture (inner) → network.
        var twilio = AddProviderClient(services, TwilioMessageProvider.HttpClientName);
        twilio.AddResilienceHandler("twilio", pipeline =>
        {
            pipeline.AddCircuitBreaker(OutageBreaker());
            pipeline.AddTimeout(settings.AttemptTimeout);
        });
        // Added after the resilience handler, so inside it: an open circuit never reaches it (nothing sent), and it
        // records each response for the provider.
        twilio.AddHttpMessageHandler(sp => new TwilioHttpHandler(settings.TwilioBaseUrl, sp.GetRequiredService<TimeProvider>()));
        // Innermost, so the handler above records the real status. A successful list page holds up to 1,000 messages.
        twilio.AddHttpMessageHandler(() => new ResponseSizeLimit(maxSuccessBytes: TwilioMaxPageBytes));

        // ACS: a retry is safe because every recipient carries its stored repeatability id and first-sent time,
        // so ACS deduplicates a resend. Still only a short one (2 retries, ~0.2 s then ~0.4 s) of 5xx/408 and
        // transport failures; 429 goes back to the caller with its Retry-After rather than blocking a grain.
        // One pipeline per endpoint host: one ACS resource's outage must not open the breaker for the others.
        var acs = AddProviderClient(services, AcsMessageProvider.HttpClientName);
        acs.AddResilienceHandler("acs", pipeline =>
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(ProviderFailures.IsOutage(args.Outcome)),
            });
            pipeline.AddCircuitBreaker(OutageBreaker());
            pipeline.AddTimeout(settings.AttemptTimeout);
        })
        .SelectPipelineByAuthority();
        // Inside the resilience handler: its attempt timeout covers reading the body.
        acs.AddHttpMessageHandler(() => new ResponseSizeLimit(maxSuccessBytes: ResponseSizeLimit.DefaultMaxBytes));
        return services;
    }

    /// <summary>
    /// Opens only when the provider is mostly failing. Polly's default ratio trips on the ordinary error rate of a
    /// busy provider (in the benchmark's faults scenario it refused every tenant's sends), and a breaker is shared by
    /// all the tenants on the host.
    /// </summary>
    private static HttpCircuitBreakerStrategyOptions OutageBreaker() => new()
    {
        FailureRatio = 0.5,
        MinimumThroughput = 100,
        SamplingDuration = TimeSpan.FromSeconds(10),
        BreakDuration = TimeSpan.FromSeconds(5),
        ShouldHandle = args => ValueTask.FromResult(ProviderFailures.IsOutage(args.Outcome)),
    };

    private static IHttpClientBuilder AddProviderClient(IServiceCollection services, string name) =>
        services.AddHttpClient(name)
            // The resilience pipeline owns the timeout (per attempt); HttpClient's own 100 s would only interfere.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The Twilio SDK keeps its HttpClient for the life of the cached REST client, so the handler chain must
            // not be rotated from under it; DNS changes are picked up by recycling pooled connections instead.
            // No redirects: the Twilio SDK's own default, and a redirected POST is never wanted here.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = PooledConnectionLifetime })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // Twilio authenticates with Basic (account SID + auth token): the default HttpClient logging hands raw
            // header values to logging providers as structured state (only its message text is redacted), so it
            // is replaced by a logger that never looks at headers.
            .RemoveAllLoggers()
            .AddLogger(sp => new ProviderHttpLogger(sp.GetRequiredService<ILogger<ProviderHttpLogger>>(), name));
}
