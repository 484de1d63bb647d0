using Outbound.Gateway.Cluster;
using Outbound.Gateway.Problems;
using Outbound.Security;
using Outbound.Sending;

namespace Outbound.Gateway.Callbacks;

/// <summary>
/// Provider callbacks. They carry no API key: Twilio signs each one with the channel's auth token over the exact
/// URL it was given, so the check happens in the silo, where the channel's token is, against that URL. Before
/// that, the URL's own token (signed by the cluster when it made the URL) is checked here, so a forged callback
/// costs no grain a read. ACS delivery reports come through Event Grid: <see cref="AcsEventsApi"/>.
/// </summary>
public static class CallbacksApi
{
    public const string PublicBaseUrlKey = "PUBLIC_BASE_URL";

    public static RouteGroupBuilder MapCallbacks(this RouteGroupBuilder v1, IConfiguration configuration)
    {
        // The address providers use to reach us (behind an ingress, not our own); defaults to what the request says.
        var publicBaseUrl = configuration[PublicBaseUrlKey]?.TrimEnd('/');

        v1.MapPost("/callbacks/twilio/status", async (HttpContext http, IGrainFactory grains, SigningKeys signingKeys, TimeProvider time) =>
        {
            if (!http.Request.HasFormContentType)
            {
                return Problem.Validation("body", "A Twilio status callback is form-encoded.");
            }

            var message = http.Request.Query["message"].ToString();
            var target = message.Split('.', 2);
            if (target.Length != 2 || !Guid.TryParseExact(target[0], "N", out var orgId) || !MessageIds.TryParse(target[1], out var batchId, out var index))
            {
                return Problem.NotFound("The callback names no message.");
            }

            if (!signingKeys.IsValid(message, http.Request.Query[CallbackTokens.Parameter].ToString()))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The callback URL's token is not valid for its message.");
            }

            if (await TwilioWebhooks.ReadFormAsync(http) is not { } form)
            {
                return Problem.Validation("body", "A Twilio status callback has at most a hundred short fields.");
            }

            var batch = grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, batchId));
            var signedUrl = TwilioWebhooks.SignedUrl(http, publicBaseUrl);
            var signature = http.Request.Headers[TwilioWebhooks.SignatureHeader].ToString();
            // Only a call that never ran is repeated: a status applied twice is not the grain's contract.
            var valid = await SiloDepartures.CallAsync(() => batch.ApplyStatusCallbackAsync(index, signedUrl, form, signature), idempotent: false, time);
            return valid
                ? Results.NoContent()
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The X-Twilio-Signature is not valid for this URL and these parameters.");
        })
        .WithTags("Callbacks")
        .WithName("ReceiveTwilioStatus")
        .WithSummary("Receive a Twilio status callback")
        .WithDescription("Called by Twilio, not by integrators: the URL the service gave Twilio for the message, signed by the service (token), and the X-Twilio-Signature header, signed with the channel's auth token, authenticate it.")
        .AcceptsTwilioForm()
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden);
        v1.MapAcsEvents();
        v1.MapTwilioInbound(publicBaseUrl);
        return v1;
    }
}
