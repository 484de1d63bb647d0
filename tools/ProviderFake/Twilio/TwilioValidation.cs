using System.Text.Json;
using System.Text.RegularExpressions;

namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// The synchronous checks of Messages create, each answered with Twilio's code and HTTP 400. The cross-field rules
/// (From or MessagingServiceSid; Body, MediaUrl or ContentSid) are the spec's x-twilio.conditional (providers.md §2).
/// </summary>
public static partial class TwilioValidation
{
    public const int MaxBodyLength = 1600;

    /// <summary>
    /// Twilio's test-credential magic numbers (providers.md §3, twilio.com/docs/iam/test-credentials). Unlike test
    /// credentials, the fake accepts any other well-formed From.
    /// </summary>
    private static readonly Dictionary<string, int> MagicTo = new()
    {
        ["+15005550001"] = TwilioErrorCodes.InvalidTo,
        ["+15005550002"] = TwilioErrorCodes.ToNotReachable,
        ["+15005550003"] = TwilioErrorCodes.NoGeoPermission,
        ["+15005550004"] = TwilioErrorCodes.OptedOut,
        ["+15005550009"] = TwilioErrorCodes.ToNotMobile,
    };

    private static readonly Dictionary<string, int> MagicFrom = new()
    {
        ["+15005550001"] = TwilioErrorCodes.InvalidFrom,
        ["+15005550007"] = TwilioErrorCodes.FromNotCapable,
        ["+15005550008"] = TwilioErrorCodes.QueueFull,
    };

    /// <summary>The first rule the request breaks, or null when Twilio would accept it.</summary>
    public static TwilioError? Check(TwilioSendRequest r)
    {
        if (r.To is null)
        {
            return Error(TwilioErrorCodes.ToRequired);
        }

        if (r.From is null && r.MessagingServiceSid is null)
        {
            return Error(TwilioErrorCodes.FromRequired);
        }

        if (r.Body is null && r.MediaUrls.Count == 0 && r.ContentSid is null)
        {
            return Error(TwilioErrorCodes.MessageBodyRequired);
        }

        if (r.ContentSid is not null && !ContentSid().IsMatch(r.ContentSid))
        {
            return Error(TwilioErrorCodes.InvalidContentSid);
        }

        if (r.ContentVariables is not null && !IsJsonObject(r.ContentVariables))
        {
            return Error(TwilioErrorCodes.InvalidContentVariables);
        }

        if (r.Body is { Length: > MaxBodyLength })
        {
            return Error(TwilioErrorCodes.BodyTooLong);
        }

        if (r.StatusCallback is not null &&
            !(Uri.TryCreate(r.StatusCallback, UriKind.Absolute, out var callback) && (callback.Scheme == Uri.UriSchemeHttp || callback.Scheme == Uri.UriSchemeHttps)))
        {
            return Error(TwilioErrorCodes.InvalidStatusCallback);
        }

        var to = Address(r.To);
        if (!E164().IsMatch(to))
        {
            return Error(TwilioErrorCodes.InvalidTo, $"Invalid 'To' Phone Number: {r.To}");
        }

        if (MagicTo.TryGetValue(to, out var toCode))
        {
            return Error(toCode);
        }

        if (r.From is not null)
        {
            var from = Address(r.From);
            if (!E164().IsMatch(from))
            {
                return Error(TwilioErrorCodes.InvalidFrom, $"Invalid 'From' Phone Number: {r.From}");
            }

            if (MagicFrom.TryGetValue(from, out var fromCode))
            {
                return Error(fromCode);
            }

            if (from == to)
            {
                return Error(TwilioErrorCodes.ToAndFromSame);
            }
        }

        return null;
    }

    /// <summary>The phone number of a channel address: <c>whatsapp:+1555…</c> → <c>+1555…</c>.</summary>
    public static string Address(string channelAddress) =>
        channelAddress.StartsWith(TwilioSendRequest.WhatsAppPrefix, StringComparison.Ordinal) ? channelAddress[TwilioSendRequest.WhatsAppPrefix.Length..] : channelAddress;

    private static TwilioError Error(int code, string? message = null) =>
        TwilioError.Of(code, StatusCodes.Status400BadRequest, message ?? TwilioErrorCodes.MessageFor(code));

    private static bool IsJsonObject(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Strict E.164: Twilio would also guess a country for national numbers, which the platform never sends.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex("^HX[0-9a-fA-F]{32}$")]
    private static partial Regex ContentSid();
}
