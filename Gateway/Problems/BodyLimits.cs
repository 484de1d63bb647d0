using Microsoft.AspNetCore.Http.Metadata;

namespace Outbound.Gateway.Problems;

/// <summary>
/// How large a request body each endpoint reads. Past its limit the read stops and the answer is a 413 problem
/// (see <see cref="BadRequestExceptionHandler"/>); a Content-Length over it is refused before any byte is read.
/// </summary>
public static class BodyLimits
{
    /// <summary>Every endpoint without a limit of its own: an org, a channel, a configuration, a consent change.</summary>
    public const int Default = 16 * 1024;

    /// <summary>A template: up to 1,600 characters per locale, for many locales, escaped as JSON.</summary>
    public const int Template = 256 * 1024;

    /// <summary>A send or a render: a list of contacts, each with up to 50 context values.</summary>
    public const int Send = 64 * 1024;

    /// <summary>A request of CloudEvents: up to 1,000 events, each a few hundred bytes of data on average.</summary>
    public const int Events = 256 * 1024;

    /// <summary>
    /// A campaign audience: a million rows of a contact and a few slug values. Read row by row as it arrives, never
    /// held whole, so the limit bounds an upload's duration, not the gateway's memory.
    /// </summary>
    public const int Audience = 512 * 1024 * 1024;

    /// <summary>An Event Grid delivery: Event Grid batches events up to 1 MB.</summary>
    public const int EventGridDelivery = 1024 * 1024;

    /// <summary>A Twilio status callback: a form of a few dozen short fields.</summary>
    public const int TwilioCallback = 16 * 1024;

    /// <summary>Fields of a Twilio callback form, and the longest key and value: far above what Twilio sends.</summary>
    public const int TwilioCallbackFields = 100;
    public const int TwilioCallbackKeyLength = 100;
    public const int TwilioCallbackValueLength = 4 * 1024;

    /// <summary>Limits the request body of the endpoint (or of every endpoint of the group) to <paramref name="bytes"/>.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    private sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
