using System.Text.Json;
using Outbound.Channels;
using Outbound.Conversations;
using Outbound.Gateway.Cluster;
using Outbound.Gateway.Problems;
using Outbound.Sending;

namespace Outbound.Gateway.Callbacks;

/// <summary>
/// <c>/v1/callbacks/acs/events</c>: the webhook of an Event Grid subscription on an ACS resource, which delivers
/// its SMS delivery reports and the customers' messages to its numbers (providers.md §4.6). Event Grid signs nothing, so the subscription's URL names an ACS
/// channel and carries that channel's events secret: <c>?channel={orgId:N}.{channelId:N}&amp;code={secret}</c>
/// (or the secret in an <c>X-Events-Secret</c> header, set as a static delivery property of the subscription).
/// The channel grain checks the secret, so it never leaves the silo. Every request, handshakes included, needs it.
/// </summary>
public static class AcsEventsApi
{
    public const string Path = "/callbacks/acs/events";
    public const string ChannelParameter = "channel";
    public const string SecretParameter = "code";
    public const string SecretHeader = "X-Events-Secret";

    private const string LoggerName = "Outbound.Gateway.Callbacks.AcsEvents";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = Program.MaxJsonDepth, AllowDuplicateProperties = false };

    public static RouteGroupBuilder MapAcsEvents(this RouteGroupBuilder v1)
    {
        v1.MapPost(Path, async (HttpContext http, IGrainFactory grains, ILoggerFactory loggers, TimeProvider time) =>
        {
            // Event Grid posts application/json, CloudEvents application/cloudevents(-batch)+json.
            if (!http.Request.HasJsonContentType())
            {
                return Problem.Validation(StatusCodes.Status415UnsupportedMediaType, "Content-Type", "An Event Grid delivery is JSON.");
            }

            if (await AuthenticateAsync(http, grains) is not var (orgId, channelId))
            {
                return Forbidden();
            }

            IReadOnlyList<DeliveredEvent>? events;
            try
            {
                using var document = await JsonDocument.ParseAsync(http.Request.Body, DocumentOptions, http.RequestAborted);
                // Cloned: the events outlive the document.
                events = AcsEvents.Read(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                events = null;
            }

            if (events is null)
            {
                return Problem.Validation("body", "An Event Grid delivery is a JSON event or an array of events.");
            }

            // The handshake of an Event Grid schema subscription: echo the code (it arrives alone).
            if (events.FirstOrDefault(e => e.Type == AcsEvents.SubscriptionValidation) is { } validation)
            {
                return AcsEvents.ValidationCode(validation) is { } code
                    ? Results.Ok(new { validationResponse = code })
                    : Problem.Validation("data.validationCode", "The subscription validation event has no validationCode.");
            }

            var logger = loggers.CreateLogger(LoggerName);
            // Acknowledged only once both are stored: a failure answers 5xx, and Event Grid delivers again.
            await Task.WhenAll(
                ApplyDeliveryReportsAsync(orgId, events.Where(e => e.Type == AcsEvents.SmsDeliveryReportReceived), grains, time, logger),
                ReceiveMessagesAsync(orgId, channelId, events.Where(e => e.Type == AcsEvents.SmsReceived), grains, time, logger));
            // Other types are acknowledged: a non-2xx would only make Event Grid retry them for a day.
            return Results.NoContent();
        })
        .WithTags("Callbacks")
        .WithName("ReceiveAcsEvents")
        .WithSummary("Receive ACS events from Event Grid")
        .WithDescription("Called by an Event Grid subscription, not by integrators: the channel and code query parameters (the channel's events secret) authenticate it. SMS delivery reports update the messages' statuses; received SMS are stored (in the customer's conversation, or as a keyword) before the delivery is acknowledged; a subscription validation event is answered with its code.")
        .DisableAntiforgery()
        .WithBodyLimit(BodyLimits.EventGridDelivery)
        .Produces(StatusCodes.Status204NoContent)
        .Produces(StatusCodes.Status200OK)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        // The handshake of a CloudEvents schema subscription (CloudEvents HTTP webhook abuse protection).
        v1.MapMethods(Path, [HttpMethods.Options], async (HttpContext http, IGrainFactory grains) =>
        {
            if (await AuthenticateAsync(http, grains) is null)
            {
                return Forbidden();
            }

            if (http.Request.Headers["WebHook-Request-Origin"].ToString() is { Length: > 0 } origin)
            {
                http.Response.Headers["WebHook-Allowed-Origin"] = origin;
                http.Response.Headers["WebHook-Allowed-Rate"] = "*";
            }

            http.Response.Headers.Allow = "POST, OPTIONS";
            return Results.Ok();
        })
        .WithTags("Callbacks")
        .WithName("ValidateAcsEventsSubscription")
        .WithSummary("Answer Event Grid's subscription handshake")
        .WithDescription("The CloudEvents webhook handshake of an Event Grid subscription, authenticated as the events themselves are.")
        .Produces(StatusCodes.Status200OK)
        .ProducesProblem(StatusCodes.Status403Forbidden);
        return v1;
    }

    /// <summary>The org and the channel the request names, if it carries that channel's events secret.</summary>
    private static async Task<(Guid OrgId, Guid ChannelId)?> AuthenticateAsync(HttpContext http, IGrainFactory grains)
    {
        var channel = http.Request.Query[ChannelParameter].ToString().Split('.');
        // {orgId:N}.{channelId:N} as documented; ids with dashes, as the API shows them, name the same channel.
        if (channel.Length != 2 || !Guid.TryParse(channel[0], out var orgId) || !Guid.TryParse(channel[1], out var channelId))
        {
            return null;
        }

        var secret = http.Request.Query[SecretParameter].ToString() is { Length: > 0 } code ? code : http.Request.Headers[SecretHeader].ToString();
        return await grains.GetGrain<IChannelGrain>(CatalogKeys.Item(orgId, channelId)).IsEventsSecretAsync(secret) ? (orgId, channelId) : null;
    }

    /// <summary>
    /// One call per batch named in the reports' tags, side by side. Only the channel's own org: a secret opens its
    /// org's batches and no other's. Any channel of the org will do, since one subscription on an ACS resource
    /// carries the reports of every number on it.
    /// </summary>
    private static async Task ApplyDeliveryReportsAsync(Guid orgId, IEnumerable<DeliveredEvent> events, IGrainFactory grains, TimeProvider time, ILogger logger)
    {
        var calls = new List<Task>();
        foreach (var batch in events.Select(AcsEvents.DeliveryReport).GroupBy(r => r.Tag))
        {
            var reports = batch.Select(r => r.Report).ToImmutableArray();
            if (!MessageIds.TryParseReportTag(batch.Key, out var tagOrg, out var batchId) || tagOrg != orgId)
            {
                // Acknowledged anyway: sent by something else on the resource, or before tags named batches.
                logger.LogDebug("ACS delivery reports {EventIds} name no batch of org {OrgId} (tag {Tag}); ignored", reports.Select(r => r.ReportId), orgId, batch.Key);
                continue;
            }

            calls.Add(ApplyAsync(batchId, reports));
        }

        await Task.WhenAll(calls);

        async Task ApplyAsync(Guid batchId, ImmutableArray<StatusReport> reports)
        {
            // Only a call that never ran is repeated (a silo left): Event Grid would deliver the reports again anyway.
            var batch = grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, batchId));
            var matched = await SiloDepartures.CallAsync(() => batch.ApplyStatusReportsAsync(reports), idempotent: false, time);
            if (matched < reports.Length)
            {
                logger.LogDebug("{Count} ACS delivery reports for batch {BatchId} name no message of it; ignored", reports.Length - matched, batchId);
            }
        }
    }

    /// <summary>
    /// Customers' messages, stored before the delivery is acknowledged. Each goes to the org's ACS channel whose
    /// number it was sent to, else to the channel the URL names.
    /// </summary>
    private static async Task ReceiveMessagesAsync(Guid orgId, Guid channelId, IEnumerable<DeliveredEvent> events, IGrainFactory grains, TimeProvider time, ILogger logger)
    {
        var messages = new List<AcsReceivedSms>();
        foreach (var e in events)
        {
            if (AcsEvents.ReceivedSms(e, time.GetUtcNow()) is { } sms)
            {
                messages.Add(sms);
            }
            else
            {
                logger.LogDebug("ACS event {EventId} of org {OrgId} is an SMS without its id, sender or recipient; ignored", e.Id, orgId);
            }
        }

        if (messages.Count > 0)
        {
            await grains.GetGrain<IInboundGrain>(0).ReceiveAcsAsync(orgId, channelId, [.. messages]);
        }
    }

    private static IResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "The request does not name an ACS channel with this events secret.");
}
