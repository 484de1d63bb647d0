namespace Outbound.Templates;

/// <summary>A template rendered for one recipient.</summary>
/// <param name="Locale">The locale whose version was used, after the fallback chain.</param>
/// <param name="Text">SMS: the text to send.</param>
/// <param name="Encoding">SMS: <c>GSM-7</c> or <c>UCS-2</c>.</param>
/// <param name="Segments">SMS: how many message segments the text takes; 0 for WhatsApp.</param>
/// <param name="ContentSid">WhatsApp: the Twilio Content Template SID.</param>
/// <param name="ContentVariables">WhatsApp: content-variable key → value.</param>
[GenerateSerializer, Immutable, Alias("Outbound.RenderedMessage")]
public sealed record RenderedMessage(
    [property: Id(0)] string Locale,
    [property: Id(1)] string? Text,
    [property: Id(2)] string? Encoding,
    [property: Id(3)] int Segments,
    [property: Id(4)] string? ContentSid,
    [property: Id(5)] ImmutableDictionary<string, string>? ContentVariables);

/// <summary>The outcome of rendering: a message, the slugs that had no value, or the limit the message would break.</summary>
[GenerateSerializer, Immutable, Alias("Outbound.RenderResult")]
public sealed record RenderResult(
    [property: Id(0)] RenderedMessage? Message,
    [property: Id(1)] ImmutableArray<string> MissingSlugs,
    [property: Id(2)] RenderLimitExceeded? TooLong = null)
{
    public static RenderResult Rendered(RenderedMessage message) => new(message, []);

    public static RenderResult Missing(ImmutableArray<string> slugs) => new(null, slugs);

    public static RenderResult Exceeded(RenderLimitExceeded tooLong) => new(null, [], tooLong);
}

/// <summary>A message that would be longer than its channel carries: nothing was built.</summary>
/// <param name="Field">The request field to blame: <c>contextitems</c> (the SMS text), or <c>contextitems.{slug}</c> (a WhatsApp variable).</param>
/// <param name="Reason">What the limit is, in a sentence for the caller.</param>
[GenerateSerializer, Immutable, Alias("Outbound.RenderLimitExceeded")]
public sealed record RenderLimitExceeded(
    [property: Id(0)] string Field,
    [property: Id(1)] string Reason);
