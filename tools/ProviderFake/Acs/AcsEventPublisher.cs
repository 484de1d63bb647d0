using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outbound.ProviderFake.Acs;

/// <summary>
/// Plays the Event Grid subscription that ACS delivers SMS events through: POSTs events to the
/// <see cref="AcsEventSubscription"/>'s URL in its schema, after the subscription validation handshake
/// (providers.md §4.6) unless the subscription skips it. A real subscription is validated once, when it is created;
/// the fake does it before its first delivery after a (re)configuration, and again before later ones until the app
/// has answered it.
/// </summary>
public sealed class AcsEventPublisher(
    FakeSettings settings, WebhookSender sender, BackgroundWork background, IHttpClientFactory httpClients,
    TimeProvider clock, ILogger<AcsEventPublisher> logger)
{
    private const string Origin = "eventgrid.azure.net";

    private static readonly JsonSerializerOptions PascalData = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly JsonSerializerOptions CamelData = new(PascalData) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly SemaphoreSlim _handshakeLock = new(1, 1);
    private volatile AcsEventSubscription _subscription = settings.AcsEvents;
    // The subscription the app validated; a new one is validated again.
    private volatile AcsEventSubscription? _subscribed;
    private volatile string? _pendingValidationCode;

    public bool Enabled => _subscription.Url is not null;

    public AcsEventSubscription Subscription => _subscription;

    /// <summary>Replaces the subscription: later deliveries (scheduled ones included) go there, after a new handshake.</summary>
    public void Subscribe(AcsEventSubscription subscription)
    {
        _subscription = subscription;
        _pendingValidationCode = null;
    }

    /// <summary>Back to the start-up subscription.</summary>
    public void Reset() => Subscribe(settings.AcsEvents);

    /// <summary>Delivers <paramref name="e"/> at <paramref name="due"/> (retrying failures), <paramref name="copies"/> times.</summary>
    public void Schedule(AcsEvent e, DateTimeOffset due, int copies)
    {
        if (!Enabled)
        {
            return;
        }

        background.Run($"{e.Type} {e.Id}", async stopping =>
        {
            var wait = due - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, stopping);
            }

            var subscription = _subscription;
            if (subscription.Url is null)
            {
                return;
            }

            if (!await EnsureSubscribedAsync(subscription, stopping))
            {
                logger.LogWarning("Dropped {Type} {Id}: the events endpoint has not answered the subscription validation", e.Type, e.Id);
                return;
            }

            for (var copy = 0; copy < copies; copy++)
            {
                await sender.DeliverAsync($"{e.Type} {e.Id}", () => Build(e, subscription), stopping);
            }
        });
    }

    /// <summary>Delivers <paramref name="e"/> now, once, and hands back the app's answer (for the inbound simulator).</summary>
    public async Task<(HttpStatusCode? Status, string Body, string? Error)> PublishOnceAsync(AcsEvent e, CancellationToken cancellationToken)
    {
        var subscription = _subscription;
        if (subscription.Url is null)
        {
            return (null, "", "no events subscription is set");
        }

        if (!await EnsureSubscribedAsync(subscription, cancellationToken))
        {
            return (null, "", "the events endpoint did not answer the subscription validation handshake");
        }

        return await sender.SendOnceAsync(Build(e, subscription), cancellationToken);
    }

    /// <summary>The asynchronous handshake: the app GETs the validationUrl it was given.</summary>
    public bool ConfirmValidation(string code)
    {
        if (_pendingValidationCode is { } pending && pending == code)
        {
            _subscribed = _subscription;
            return true;
        }

        return false;
    }

    private static HttpRequestMessage Build(AcsEvent e, AcsEventSubscription subscription)
    {
        var data = JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), subscription.Casing == AcsEventCasing.Pascal ? PascalData : CamelData);
        var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url);
        if (subscription.Schema == AcsEventSchema.CloudEvents)
        {
            var cloudEvent = new CloudEvent(e.Id, AcsEvent.Resource, e.Subject, e.Type, e.Time, "1.0", data);
            request.Content = new StringContent(JsonSerializer.Serialize(cloudEvent), Encoding.UTF8, "application/cloudevents+json");
        }
        else
        {
            var gridEvent = new EventGridEvent(e.Id, AcsEvent.Resource, e.Subject, data, e.Type, "1.0", "1", e.Time);
            request.Content = new StringContent(JsonSerializer.Serialize(new[] { gridEvent }), Encoding.UTF8, "application/json");
            request.Headers.Add("aeg-event-type", "Notification");
        }

        request.Headers.Add("aeg-subscription-name", "PROVIDER-FAKE");
        return request;
    }

    private async Task<bool> EnsureSubscribedAsync(AcsEventSubscription subscription, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(_subscribed, subscription) || !subscription.Handshake)
        {
            return true;
        }

        await _handshakeLock.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(_subscribed, subscription)
                && (subscription.Schema == AcsEventSchema.CloudEvents
                    ? await CloudEventsHandshakeAsync(subscription, cancellationToken)
                    : await EventGridHandshakeAsync(subscription, cancellationToken)))
            {
                _subscribed = subscription;
            }

            return ReferenceEquals(_subscribed, subscription);
        }
        finally
        {
            _handshakeLock.Release();
        }
    }

    /// <summary>Event Grid schema: a SubscriptionValidationEvent, answered with <c>{"validationResponse": code}</c>.</summary>
    private async Task<bool> EventGridHandshakeAsync(AcsEventSubscription subscription, CancellationToken cancellationToken)
    {
        var code = Guid.NewGuid().ToString();
        _pendingValidationCode = code;
        var validation = new
        {
            id = Guid.NewGuid().ToString(),
            topic = AcsEvent.Resource,
            subject = "",
            data = new { validationCode = code, validationUrl = $"http://127.0.0.1:{settings.Port}/_acs/validate?code={code}" },
            eventType = "Microsoft.EventGrid.SubscriptionValidationEvent",
            eventTime = clock.GetUtcNow(),
            metadataVersion = "1",
            dataVersion = "2",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(JsonSerializer.Serialize(new[] { validation }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "SubscriptionValidation");
        var (status, body, error) = await sender.SendOnceAsync(request, cancellationToken);
        if (status == HttpStatusCode.OK && ValidationResponse(body) == code)
        {
            return true;
        }

        logger.LogWarning("Event Grid subscription validation failed at {Url}: {Status} {Body}{Error}", subscription.UrlForLogs, status, body, error);
        return false;
    }

    /// <summary>CloudEvents schema: an OPTIONS request that must allow the Event Grid origin (CloudEvents webhook spec).</summary>
    private async Task<bool> CloudEventsHandshakeAsync(AcsEventSubscription subscription, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, subscription.Url);
        request.Headers.Add("WebHook-Request-Origin", Origin);
        try
        {
            using var response = await httpClients.CreateClient(WebhookSender.ClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode && response.Headers.TryGetValues("WebHook-Allowed-Origin", out var allowed) &&
                allowed.Any(a => a == "*" || a.Equals(Origin, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            logger.LogWarning("CloudEvents validation failed at {Url}: {Status}, no WebHook-Allowed-Origin for {Origin}", subscription.UrlForLogs, response.StatusCode, Origin);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("CloudEvents validation failed at {Url}: {Error}", subscription.UrlForLogs, ex.Message);
        }

        return false;
    }

    private static string? ValidationResponse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("validationResponse") || property.Name.Equals("validationResponse", StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.GetString();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        return null;
    }
}
