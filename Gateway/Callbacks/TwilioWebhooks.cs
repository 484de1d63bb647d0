using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Callbacks;

/// <summary>What every webhook Twilio posts to us needs: its form, and the URL it signed.</summary>
internal static class TwilioWebhooks
{
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>A Twilio form post: no antiforgery token (Twilio has none), and the form limits of a webhook.</summary>
    public static RouteHandlerBuilder AcceptsTwilioForm(this RouteHandlerBuilder endpoint) => endpoint
        .DisableAntiforgery()
        .WithBodyLimit(BodyLimits.TwilioCallback)
        .WithFormOptions(
            valueCountLimit: BodyLimits.TwilioCallbackFields,
            keyLengthLimit: BodyLimits.TwilioCallbackKeyLength,
            valueLengthLimit: BodyLimits.TwilioCallbackValueLength);

    /// <summary>The form, or null when it breaks the endpoint's form limits (a 400 naming <c>body</c>).</summary>
    public static async Task<ImmutableDictionary<string, string>?> ReadFormAsync(HttpContext http)
    {
        try
        {
            var form = await http.Request.ReadFormAsync();
            return form.ToImmutableDictionary(field => field.Key, field => field.Value.ToString());
        }
        catch (InvalidDataException)
        {
            // The rest of the body is read (at most the endpoint's body limit): answered mid-body, a client still
            // sending it can see the connection reset instead of the 400.
            try
            {
                await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
            {
                // Over the limit, or gone: there is no one left to answer properly.
            }

            return null;
        }
    }

    /// <summary>
    /// The URL Twilio signed: the address providers use to reach us (<c>PUBLIC_BASE_URL</c>, behind an ingress),
    /// else what the request says.
    /// </summary>
    public static string SignedUrl(HttpContext http, string? publicBaseUrl) =>
        $"{publicBaseUrl ?? $"{http.Request.Scheme}://{http.Request.Host}"}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
}
