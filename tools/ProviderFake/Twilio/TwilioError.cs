using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;

namespace Outbound.ProviderFake.Twilio;

/// <summary>Twilio's error body (providers.md §1.5): the SDK reads code, status and more_info from it into ApiException.</summary>
public sealed record TwilioError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("more_info")] string MoreInfo,
    [property: JsonPropertyName("status")] int Status)
{
    public static TwilioError Of(int code, int status, string message) =>
        new(code, message, $"https://www.twilio.com/docs/errors/{code}", status);

    public IResult ToResult() => Results.Json(this, TwilioJson.Options, statusCode: Status);

    public static IResult Result(int code, int status = StatusCodes.Status400BadRequest, string? message = null) =>
        Of(code, status, message ?? TwilioErrorCodes.MessageFor(code)).ToResult();

    /// <summary>A 5xx as JSON, so the SDK keeps the status (an HTML 5xx reaches the caller as Code=0, Status=0).</summary>
    public static IResult ServerError(int status) =>
        Of(status == 503 ? 20503 : 20500, status, ReasonPhrases.GetReasonPhrase(status)).ToResult();
}

/// <summary>The JSON conventions of Twilio's REST API: snake_case keys, nulls written out.</summary>
public static class TwilioJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
