namespace Outbound.ProviderFake.Acs;

/// <summary>
/// The Event Grid subscription on the fake ACS resource: where its SMS events go and how. Start-up values come from
/// <c>FAKE_ACS_EVENTS_URL</c>, <c>FAKE_ACS_EVENT_SCHEMA</c>, <c>FAKE_ACS_EVENT_CASING</c> and
/// <c>FAKE_ACS_EVENTS_HANDSHAKE</c>; <c>GET/PUT/DELETE /_acs/events-subscription</c> read and change it at run time.
/// </summary>
public sealed record AcsEventSubscription
{
    /// <summary>The webhook; null: no events.</summary>
    public Uri? Url { get; init; }

    public AcsEventSchema Schema { get; init; } = AcsEventSchema.EventGrid;

    public AcsEventCasing Casing { get; init; } = AcsEventCasing.Camel;

    /// <summary>Validate the subscription (providers.md §4.6) before the first delivery.</summary>
    public bool Handshake { get; init; } = true;

    /// <summary>Why this subscription cannot be used, or null.</summary>
    public string? Problem() =>
        Url is null || (Url.IsAbsoluteUri && (Url.Scheme == Uri.UriSchemeHttp || Url.Scheme == Uri.UriSchemeHttps))
            ? null
            : "url is an absolute http(s) URL (or null: no events).";

    /// <summary>The URL for logs: its query may hold the webhook's secret.</summary>
    public string? UrlForLogs => Url?.GetLeftPart(UriPartial.Path);
}
