using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outbound.Grains.Providers.Acs;

// The ACS SMS 2021-03-07 send contract (shared/reference/specs/acs-sms-2021-03-07), as records.

internal sealed record AcsSendRequest(
    string From,
    IReadOnlyList<AcsRecipient> SmsRecipients,
    string Message,
    AcsSendOptions SmsSendOptions);

internal sealed record AcsRecipient(string To, string RepeatabilityRequestId, string RepeatabilityFirstSent);

internal sealed record AcsSendOptions(bool EnableDeliveryReport, string? Tag);

internal sealed record AcsSendResponse(IReadOnlyList<AcsSendResponseItem>? Value);

internal sealed record AcsSendResponseItem(
    string? To,
    string? MessageId,
    int HttpStatusCode,
    bool Successful,
    string? RepeatabilityResult,
    string? ErrorMessage);

internal sealed record AcsErrorResponse(AcsError? Error);

internal sealed record AcsError(string? Code, string? Message);

internal static class AcsJson
{
    /// <summary>camelCase on the wire; reading is case-insensitive; a null tag is left out.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
