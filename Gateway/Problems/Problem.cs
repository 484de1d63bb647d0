namespace Outbound.Gateway.Problems;

/// <summary>RFC 9457 problem responses the API returns.</summary>
public static class Problem
{
    /// <summary>The title of every 503: admission control's and an overloaded cluster's.</summary>
    public const string BusyTitle = "The service is busy.";

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors.ToDictionary(),
            title: ValidationTitle,
            detail: Detail(errors));

    public static IResult Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A request refused as a whole (413, 415) that still names what was wrong, as a validation problem does.</summary>
    public static IResult Validation(int status, string field, string message) =>
        TypedResults.Problem(Details(status, new Dictionary<string, string[]> { [field] = [message] }));

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: detail);

    internal static HttpValidationProblemDetails Details(int status, IDictionary<string, string[]> errors) =>
        new(errors) { Status = status, Title = ValidationTitle, Detail = Detail(errors) };

    private const string ValidationTitle = "The request is not valid.";

    private static string Detail(IEnumerable<KeyValuePair<string, string[]>> errors) =>
        $"See errors for: {string.Join(", ", errors.Select(e => e.Key).Order(StringComparer.Ordinal))}.";
}
