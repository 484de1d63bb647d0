using Microsoft.Net.Http.Headers;

namespace Outbound.Gateway.Problems;

/// <summary>
/// JSON between systems is UTF-8 (RFC 8259, section 8.1). A JSON body declared in another charset is refused with a
/// 415 problem before it is read: the framework would fail on a charset it does not know, and transcode any other.
/// </summary>
internal static class Utf8JsonBodies
{
    public static IApplicationBuilder UseUtf8JsonBodies(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            && (type.SubTypeWithoutSuffix.Equals("json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            && HeaderUtilities.RemoveQuotes(type.Charset) is { HasValue: true } charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            await Problem.Validation(StatusCodes.Status415UnsupportedMediaType, BadRequestExceptionHandler.ContentTypeField,
                "A JSON body is UTF-8: leave out the charset or give charset=utf-8.").ExecuteAsync(http);
            return;
        }

        await next(http);
    });
}
