namespace Outbound.Gateway.Problems;

/// <summary>
/// A body refused as a whole, by the server or the framework before any endpoint code ran (413, 415), still gets
/// a problem that names what was wrong, as every other refused request does.
/// </summary>
internal static class BodyProblems
{
    public static void NameTheField(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem is HttpValidationProblemDetails || problem.Extensions.ContainsKey("errors"))
        {
            return;
        }

        var (field, message) = problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => ("body", "The request body is larger than this endpoint accepts."),
            StatusCodes.Status415UnsupportedMediaType => (BadRequestExceptionHandler.ContentTypeField, "The body is JSON: Content-Type is application/json."),
            _ => (null, null),
        };
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message!] };
            problem.Detail ??= $"See errors for: {field}.";
        }
    }
}
