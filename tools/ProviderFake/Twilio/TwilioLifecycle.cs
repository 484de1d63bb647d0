using Outbound.ProviderFake.Faults;

namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// Plans a message's statuses. The status in the create answer is <c>queued</c>, or <c>accepted</c> with a Messaging
/// Service; Twilio sends no callback for that initial status (providers.md §1.3), so the callbacks are
/// [queued →] sent → delivered | undelivered, or straight to failed, one every callback delay.
/// </summary>
public static class TwilioLifecycle
{
    public static TwilioMessage Accept(string accountSid, TwilioSendRequest request, DateTimeOffset now, TimeSpan delay, FaultConfig faults)
    {
        var initial = request.MessagingServiceSid is null ? "queued" : "accepted";
        var statuses = new List<string>();
        if (initial == "accepted")
        {
            statuses.Add("queued");
        }

        statuses.AddRange(faults.CallbackOutcome switch
        {
            CallbackOutcome.Undelivered => ["sent", "undelivered"],
            CallbackOutcome.Failed => ["failed"],
            _ => ["sent", "delivered"],
        });
        var steps = statuses.Select((status, i) => new StatusStep(status, now + (delay * (i + 1)))).ToList();
        int? failure = faults.CallbackOutcome == CallbackOutcome.Delivered ? null : faults.CallbackErrorCode;
        return new TwilioMessage($"SM{Guid.NewGuid():N}", accountSid, request, now, initial, steps, failure);
    }
}
