using System.Globalization;
using Outbound.ProviderFake.Faults;

namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// Posts a message's status callbacks to its StatusCallback URL when each planned status is due, signed with
/// X-Twilio-Signature. Disorder and duplication come from the fault configuration at the time of the send.
/// </summary>
public sealed class StatusCallbacks(BackgroundWork background, WebhookSender sender, FakeSettings settings, TimeProvider clock)
{
    public void Schedule(TwilioMessage message, FaultConfig faults)
    {
        if (faults.LostCallbacks || message.Request.StatusCallback is not { } url || !settings.TwilioAccounts.TryGetValue(message.AccountSid, out var token))
        {
            return;
        }

        // Out of order: newest first, so `delivered` arrives before `sent`; the send times stay as planned.
        var order = faults.OutOfOrder ? message.Steps.Reverse().ToList() : [.. message.Steps];
        var copies = faults.DuplicateCallbacks ? 2 : 1;
        background.Run($"status callbacks of {message.Sid}", async stopping =>
        {
            for (var i = 0; i < order.Count; i++)
            {
                var wait = message.Steps[i].At - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stopping);
                }

                var form = Form(message, order[i]);
                for (var copy = 0; copy < copies; copy++)
                {
                    await sender.DeliverAsync($"status callback {order[i].Status} of {message.Sid}",
                        () => TwilioSignature.SignedFormPost(url, token, form), stopping);
                }
            }
        });
    }

    /// <summary>The callback's form fields (providers.md §1.8).</summary>
    public static List<KeyValuePair<string, string>> Form(TwilioMessage message, StatusStep step)
    {
        var request = message.Request;
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", message.Sid),
            new("SmsSid", message.Sid),
            new("MessageStatus", step.Status),
            new("SmsStatus", step.Status),
            new("AccountSid", message.AccountSid),
            new("From", message.Sender),
            new("To", request.To!),
            new("ApiVersion", TwilioMessage.ApiVersion),
        };
        if (request.MessagingServiceSid is { } service)
        {
            form.Add(new("MessagingServiceSid", service));
        }

        if (step.Status is "failed" or "undelivered" && message.FailureCode is { } code)
        {
            form.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
        }

        if (request.IsWhatsApp)
        {
            form.Add(new("ChannelPrefix", "whatsapp"));
            form.Add(new("ChannelToAddress", TwilioValidation.Address(request.To!)));
            if (step.Status == "delivered")
            {
                form.Add(new("EventType", "DELIVERED"));
            }
        }
        else if (step.Status is "delivered" or "undelivered")
        {
            // The carrier's done date, YYMMDDhhmm without a time zone (Twilio changelog 2023-02-14).
            form.Add(new("RawDlrDoneDate", step.At.UtcDateTime.ToString("yyMMddHHmm", CultureInfo.InvariantCulture)));
        }

        return form;
    }
}
