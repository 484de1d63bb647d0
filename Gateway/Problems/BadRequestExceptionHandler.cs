using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Outbound.Gateway.Problems;

/// <summary>
/// Turns a request body that cannot be read (malformed JSON, a string where a number belongs) into a
/// validation problem naming the field, taken from the JSON path the serializer reports.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = bad.InnerException is JsonException json
            ? (FieldName(json.Path), $"The value is not valid JSON for this field{(json.Message.Contains("could not be converted", StringComparison.Ordinal) ? "" : $": {json.Message}")}.")
            : ("body", bad.Message);

        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = bad.StatusCode,
                Title = "The request is not valid.",
                Detail = $"See errors for: {field}.",
            },
        });
    }

    /// <summary><c>$.versions['fr-FR'].body</c> → <c>versions.fr-FR.body</c>; <c>$</c> → <c>body</c>.</summary>
    private static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return name.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }
}
