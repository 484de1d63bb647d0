using System.Globalization;
using Outbound.ProviderFake.Acs;
using Outbound.ProviderFake.Twilio;

namespace Outbound.ProviderFake.Inbound;

/// <summary>Simulated replies from handsets: the provider's inbound webhook or event, sent now, and the app's answer.</summary>
public static class InboundEndpoints
{
    public static void MapInbound(this IEndpointRouteBuilder app)
    {
        app.MapPost("/_inbound/twilio", TwilioAsync);
        app.MapPost("/_inbound/acs", AcsAsync);
    }

    private static async Task<IResult> TwilioAsync(TwilioInboundRequest inbound, FakeSettings settings, WebhookSender sender, CancellationToken cancellationToken)
    {
        var accountSid = inbound.AccountSid ?? settings.TwilioAccounts.Keys.First();
        if (!settings.TwilioAccounts.TryGetValue(accountSid, out var token))
        {
            return Results.BadRequest(new { error = $"Unknown account {accountSid}: it is not in FAKE_TWILIO_ACCOUNTS." });
        }

        if (!Uri.TryCreate(inbound.WebhookUrl, UriKind.Absolute, out _))
        {
            return Results.BadRequest(new { error = "webhookUrl must be an absolute URL." });
        }

        var sid = $"SM{Guid.NewGuid():N}";
        // The message webhook's parameters (providers.md §1.9).
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", sid),
            new("SmsMessageSid", sid),
            new("SmsSid", sid),
            new("AccountSid", accountSid),
            new("From", inbound.From),
            new("To", inbound.To),
            new("Body", inbound.Body ?? ""),
            new("NumMedia", "0"),
            new("NumSegments", SmsSegments.Count(inbound.Body).ToString(CultureInfo.InvariantCulture)),
            new("SmsStatus", "received"),
            new("ApiVersion", TwilioMessage.ApiVersion),
        };
        if (inbound.MessagingServiceSid is { } service)
        {
            form.Add(new("MessagingServiceSid", service));
        }

        if (inbound.From.StartsWith(TwilioSendRequest.WhatsAppPrefix, StringComparison.Ordinal))
        {
            var number = TwilioValidation.Address(inbound.From);
            form.Add(new("WaId", number.TrimStart('+')));
            form.Add(new("ProfileName", inbound.ProfileName ?? "Fake Handset"));
        }

        using var request = TwilioSignature.SignedFormPost(inbound.WebhookUrl, token, form);
        var (status, body, error) = await sender.SendOnceAsync(request, cancellationToken);
        return Results.Ok(new InboundResult(sid, (int?)status, body, error));
    }

    private static async Task<IResult> AcsAsync(AcsInboundRequest inbound, AcsEventPublisher events, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!events.Enabled)
        {
            return Results.Conflict(new { error = "No ACS events subscription is set (FAKE_ACS_EVENTS_URL or PUT /_acs/events-subscription): there is nowhere to deliver ACS events." });
        }

        var now = clock.GetUtcNow();
        var id = $"Incoming_{now:yyyyMMddHHmmss}{Guid.NewGuid()}";
        var data = new SmsReceivedData(id, inbound.From, inbound.To, inbound.Message, now, SmsSegments.Count(inbound.Message));
        var (status, body, error) = await events.PublishOnceAsync(new AcsEvent(id, AcsEvent.SmsReceived, AcsEvent.SubjectFor(inbound.To), data, now), cancellationToken);
        return Results.Ok(new InboundResult(id, (int?)status, body, error));
    }
}
