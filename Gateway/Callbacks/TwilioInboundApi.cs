using Outbound.Conversations;
using Outbound.Gateway.Problems;
using Outbound.Security;

namespace Outbound.Gateway.Callbacks;

/// <summary>
/// <c>/v1/callbacks/twilio/inbound?channel={orgId:N}.{channelId:N}&amp;token=…</c>: the messaging webhook a tenant
/// sets on its Twilio number or Messaging Service (the channel's <c>inboundWebhookUrl</c>). The URL's token, signed
/// by the cluster, is checked here, so a forged or guessed URL costs no grain call; the X-Twilio-Signature is
/// checked in the silo with the channel's auth token. The answer is empty TwiML once the message is stored.
/// </summary>
public static class TwilioInboundApi
{
    public const string Path = "/callbacks/twilio/inbound";
    public const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response/>""";
    private const string WhatsAppPrefix = "whatsapp:";

    /// <summary>The URL a tenant pastes into the Twilio console for <paramref name="channelId"/>.</summary>
    public static string WebhookUrl(string baseUrl, SigningKeys signingKeys, Guid orgId, Guid channelId) =>
        $"{baseUrl.TrimEnd('/')}/v1{Path}?{InboundWebhookTokens.ChannelParameter}={InboundWebhookTokens.Channel(orgId, channelId)}"
        + $"&{InboundWebhookTokens.Parameter}={signingKeys.ForInbound(orgId, channelId)}";

    public static RouteGroupBuilder MapTwilioInbound(this RouteGroupBuilder v1, string? publicBaseUrl)
    {
        v1.MapPost(Path, async (HttpContext http, IGrainFactory grains, SigningKeys signingKeys) =>
        {
            if (!http.Request.HasFormContentType)
            {
                return Problem.Validation("body", "A Twilio messaging webhook is form-encoded.");
            }

            var channel = http.Request.Query[InboundWebhookTokens.ChannelParameter].ToString();
            if (!InboundWebhookTokens.TryParseChannel(channel, out var orgId, out var channelId))
            {
                return Problem.NotFound("The webhook URL names no channel.");
            }

            if (!signingKeys.IsValidInbound(channel, http.Request.Query[InboundWebhookTokens.Parameter].ToString()))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The webhook URL's token is not valid for its channel.");
            }

            if (await TwilioWebhooks.ReadFormAsync(http) is not { } form)
            {
                return Problem.Validation("body", "A Twilio messaging webhook has at most a hundred short fields.");
            }

            var from = form.GetValueOrDefault("From", "");
            if (!Contacts.ContactsApi.E164().IsMatch(from.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) ? from[WhatsAppPrefix.Length..] : from))
            {
                return Problem.Validation("From", "From is the customer's number in E.164 form, or whatsapp: and that number.");
            }

            var receipt = await grains.GetGrain<IInboundGrain>(0).ReceiveTwilioAsync(
                orgId,
                channelId,
                TwilioWebhooks.SignedUrl(http, publicBaseUrl),
                form,
                http.Request.Headers[TwilioWebhooks.SignatureHeader].ToString());
            return receipt.Outcome == InboundOutcome.Refused
                ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The X-Twilio-Signature is not valid for this URL and these parameters.")
                : Results.Text(EmptyTwiml, "text/xml");
        })
        .WithTags("Callbacks")
        .WithName("ReceiveTwilioMessage")
        .WithSummary("Receive a customer's message from Twilio")
        .WithDescription("Called by Twilio, not by integrators: the channel's inboundWebhookUrl, set as the messaging webhook of its number or Messaging Service. The URL's token (signed by the service) and the X-Twilio-Signature header (signed with the channel's auth token) authenticate it. Answers empty TwiML once the message is stored; a repeated MessageSid changes nothing.")
        .AcceptsTwilioForm()
        .Produces<string>(StatusCodes.Status200OK, "text/xml")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }
}
