using System.Net.Http;

namespace Outbound.Grains.Providers.Twilio;

/// <summary>
/// What <see cref="TwilioHttpHandler"/> saw of one SDK call: whether the request left, the HTTP status and the
/// <c>Retry-After</c> header. The Twilio SDK hides response headers on errors (its <c>ApiException</c> only has
/// the body's code and status, and a non-JSON 503 even loses the status), so the provider opens a call before
/// invoking the SDK and the handler, further down the same async flow, fills it in.
/// </summary>
/// <remarks>
/// It travels in an <see cref="AsyncLocal{T}"/> because the SDK builds the <see cref="HttpRequestMessage"/>
/// itself, so request options cannot carry it. The holder object is mutable on purpose: values set in an
/// AsyncLocal below an await do not flow back up, but writes into an object the caller put there do.
/// The SDK's <c>CreateAsync</c> takes no cancellation token, so the caller's token travels here too.
/// </remarks>
internal sealed class TwilioCall(CancellationToken cancellationToken)
{
    private static readonly AsyncLocal<TwilioCall?> CurrentCall = new();

    public static TwilioCall? Current
    {
        get => CurrentCall.Value;
        set => CurrentCall.Value = value;
    }

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The request was handed to the network stack (it may or may not have reached Twilio).</summary>
    public bool RequestSent { get; private set; }

    /// <summary>The HTTP status of the response, when one came.</summary>
    public int? StatusCode { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public void MarkSent() => RequestSent = true;

    public void Record(HttpResponseMessage response, TimeProvider time)
    {
        StatusCode = (int)response.StatusCode;
        RetryAfter = ProviderFailures.RetryAfter(response, time);
    }
}
