using System.Diagnostics;

namespace Outbound.Grains.Telemetry;

/// <summary>
/// The product's spans, on the activity source <see cref="SourceName"/>. A send is accepted in a request and
/// delivered later by its batch's timer, and its status reports arrive in requests of their own: each of those
/// starts its span under the send's trace context, stored with the batch, so one trace holds the whole send.
/// </summary>
public static class OutboundTracing
{
    public const string SourceName = "Outbound";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span's W3C <c>traceparent</c>, to store with work done later; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;

    /// <summary>
    /// A span under the stored <paramref name="traceParent"/> (a new trace without it). With
    /// <paramref name="linkCurrent"/> it links to the span that is current: the request a status report came in.
    /// Null when nobody listens.
    /// </summary>
    public static Activity? StartUnder(string name, string? traceParent, Guid batchId, bool linkCurrent = false)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        ActivityLink[]? links = linkCurrent && Activity.Current is { } current && parent != default ? [new ActivityLink(current.Context)] : null;
        var activity = Source.StartActivity(name, ActivityKind.Internal, parent, links: links);
        activity?.SetTag("outbound.batch.id", batchId.ToString());
        return activity;
    }
}
