namespace Outbound.ProviderFake.Acs;

/// <summary>SendMessageRequest of ACS SMS 2021-03-07 (providers.md §4.2); camelCase on the wire.</summary>
public sealed record AcsSendRequest(string? From, IReadOnlyList<AcsRecipient>? SmsRecipients, string? Message, AcsSendOptions? SmsSendOptions);

/// <summary>Repeatability is per recipient, in the body (providers.md §4.5).</summary>
public sealed record AcsRecipient(string? To, string? RepeatabilityRequestId, string? RepeatabilityFirstSent);

public sealed record AcsSendOptions(bool EnableDeliveryReport, string? Tag, int? ValidityPeriodSeconds);

/// <summary>The 202 answer: one item per recipient (providers.md §4.3).</summary>
public sealed record AcsSendResponse(IReadOnlyList<AcsSendResult> Value);

public sealed record AcsSendResult(
    string To,
    string? MessageId,
    int HttpStatusCode,
    bool Successful,
    string? ErrorMessage = null,
    string? RepeatabilityResult = null)
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    public static AcsSendResult Failed(string to, int status, string error, string? repeatabilityResult = null) =>
        new(to, null, status, false, error, repeatabilityResult);
}

/// <summary>The Azure error body of request-level failures: <c>{"error":{"code","message"}}</c>.</summary>
public sealed record AcsError(AcsErrorDetail Error)
{
    public static IResult Result(int status, string code, string message) =>
        Results.Json(new AcsError(new AcsErrorDetail(code, message)), AcsJson.Options, statusCode: status);
}

public sealed record AcsErrorDetail(string Code, string Message);
