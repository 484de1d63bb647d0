using System.Net.Http;

namespace Outbound.Grains.Providers.Twilio;

/// <summary>
/// The innermost handler of the Twilio HTTP client: points requests for <c>https://api.twilio.com</c> at
/// <c>TWILIO_BASE_URL</c> when set (the SDK cannot be pointed at loopback otherwise: its Region/Edge settings
/// only change the host name under twilio.com), and records the response status and <c>Retry-After</c> into the
/// current <see cref="TwilioCall"/>.
/// </summary>
internal sealed class TwilioHttpHandler(Uri? baseUrl, TimeProvider time) : DelegatingHandler
{
    public const string ApiHost = "api.twilio.com";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (baseUrl is not null && request.RequestUri is { } uri && uri.Host.Equals(ApiHost, StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = Rewrite(baseUrl, uri);
        }

        var call = TwilioCall.Current;
        using var linked = call is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken);
        call?.MarkSent();
        var response = await base.SendAsync(request, linked?.Token ?? cancellationToken);
        call?.Record(response, time);
        return response;
    }

    /// <summary>Keeps path and query; a path in the base URL (e.g. <c>/twilio</c>) is put in front of the path.</summary>
    internal static Uri Rewrite(Uri baseUrl, Uri original)
    {
        var builder = new UriBuilder(original)
        {
            Scheme = baseUrl.Scheme,
            Host = baseUrl.Host,
            Port = baseUrl.Port,
            Path = baseUrl.AbsolutePath.TrimEnd('/') + original.AbsolutePath,
        };
        return builder.Uri;
    }
}
