namespace Outbound.ProviderFake.Twilio;

/// <summary>The error codes the fake answers with, and Twilio's wording for each (providers.md §3, twilio.com/docs/errors).</summary>
public static class TwilioErrorCodes
{
    /// <summary>
    /// A list request with a bad parameter (a DateSent filter that is not a date, PageSize out of 1-1000, a foreign
    /// PageToken). Twilio documents no code for these; ours is in the REST API's own 200xx range (like 20003 and
    /// 20404, not Messaging's 21xxx), so the SDK raises a 400 ApiException with a non-zero code as for any Twilio error.
    /// </summary>
    public const int InvalidParameter = 20001;
    public const int Authenticate = 20003;
    public const int NotFound = 20404;
    public const int TooManyRequests = 20429;
    public const int MessageBodyRequired = 21602;
    public const int FromRequired = 21603;
    public const int ToRequired = 21604;
    public const int InvalidStatusCallback = 21609;
    public const int BodyTooLong = 21617;
    public const int InvalidContentSid = 21655;
    public const int InvalidContentVariables = 21656;
    public const int InvalidTo = 21211;
    public const int InvalidFrom = 21212;
    public const int ToAndFromSame = 21266;
    public const int NoGeoPermission = 21408;
    public const int FromNotCapable = 21606;
    public const int QueueFull = 21611;
    public const int OptedOut = 21610;
    public const int ToNotReachable = 21612;
    public const int ToNotMobile = 21614;

    private static readonly Dictionary<int, string> Messages = new()
    {
        [InvalidParameter] = "Invalid parameter",
        [Authenticate] = "Authenticate",
        [TooManyRequests] = "Too Many Requests",
        [MessageBodyRequired] = "Message body is required.",
        [FromRequired] = "A 'From' phone number is required.",
        [ToRequired] = "A 'To' phone number is required.",
        [InvalidStatusCallback] = "Invalid StatusCallback url.",
        [BodyTooLong] = "The concatenated message body exceeds the 1600 character limit.",
        [InvalidContentSid] = "The ContentSid is Invalid.",
        [InvalidContentVariables] = "The ContentVariables Parameter is invalid.",
        [InvalidTo] = "Invalid 'To' Phone Number",
        [InvalidFrom] = "Invalid 'From' Phone Number",
        [ToAndFromSame] = "'To' and 'From' number cannot be the same",
        [NoGeoPermission] = "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
        [FromNotCapable] = "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account",
        [QueueFull] = "This 'From' number has exceeded the maximum number of queued messages",
        [OptedOut] = "Attempt to send to unsubscribed recipient",
        [ToNotReachable] = "The 'To' phone number is not currently reachable via SMS",
        [ToNotMobile] = "'To' number is not a valid mobile number",
    };

    public static string MessageFor(int code) => Messages.TryGetValue(code, out var message) ? message : $"Error {code}";
}
