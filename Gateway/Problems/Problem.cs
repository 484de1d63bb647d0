namespace Outbound.Gateway.Problems;

/// <summary>RFC 9457 problem responses the API returns.</summary>
public static class Problem
{
    /// <summary>The title of every 503: admission control's and an overloaded cluster's.</summary>
    public const string BusyTitle = "The service is busy.";

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors.ToDictionary(),
            title: "The request is not valid.",
            detail: $"See errors for: {string.Join(", ", errors.Keys.Order(StringComparer.Ordinal))}.");

    public static IResult Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: detail);
}
