using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Outbound.Gateway.Problems;

/// <summary>
/// Turns a request that cannot be read into a problem naming the field: malformed JSON or a string where a number
/// belongs (the JSON path the serializer reports), a query value of the wrong type (the parameter), a body over
/// the endpoint's limit (413, <c>body</c>) or of the wrong media type (415, <c>Content-Type</c>).
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public const string ContentTypeField = "Content-Type";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = Describe(bad);
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = Problem.Details(bad.StatusCode, new Dictionary<string, string[]> { [field] = [message] }),
        });
    }

    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            return (FieldName(json.Path), json.Message.Contains("could not be converted", StringComparison.Ordinal)
                    || json.Message.Contains("deserialization of type", StringComparison.Ordinal)
                ? "The value is not valid JSON for this field."
                : $"The value is not valid JSON for this field: {json.Message}");
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (ContentTypeField, "The body is JSON: Content-Type is application/json.");
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("body", "The request body is larger than this endpoint accepts.");
        }

        // A route or query value the framework could not bind, such as limit=abc.
        return Parameter().Match(bad.Message) is { Success: true } parameter && !bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? (parameter.Groups["name"].Value, $"{parameter.Groups["name"].Value} has a value that is not valid for it.")
            : ("body", bad.Message);
    }

    /// <summary><c>$.versions['fr-FR'].body</c> → <c>versions.fr-FR.body</c>; <c>$</c> → <c>body</c>.</summary>
    internal static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return name.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    // The framework's binding messages name the parameter as "{type} {name}".
    [GeneratedRegex("""parameter "[^"]* (?<name>[^" ]+)" """, RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
