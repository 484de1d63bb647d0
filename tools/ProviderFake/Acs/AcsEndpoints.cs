using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Outbound.ProviderFake.Faults;
using Outbound.ProviderFake.Ledger;

namespace Outbound.ProviderFake.Acs;

/// <summary>ACS SMS send (<c>POST /sms?api-version=2021-03-07</c>), per the fake checklist of providers.md §4.7.</summary>
public static partial class AcsEndpoints
{
    public const string ApiVersion = "2021-03-07";
    public const int MaxRecipients = 100;
    public const int MaxMessageLength = 2048;

    public static void MapAcs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sms", SendAsync);
        app.MapGet("/_acs/validate", (string code, AcsEventPublisher events) =>
            events.ConfirmValidation(code) ? Results.Ok() : Results.BadRequest());

        // The Event Grid subscription, changeable at run time (tests and run.sh point it at the app once it is up).
        app.MapGet("/_acs/events-subscription", (AcsEventPublisher events) => Results.Ok(events.Subscription));
        // PUT replaces the whole subscription: a property left out takes its default (no URL: no events).
        app.MapPut("/_acs/events-subscription", (AcsEventSubscription subscription, AcsEventPublisher events) =>
        {
            if (subscription.Problem() is { } problem)
            {
                return Results.BadRequest(new { errors = new[] { problem } });
            }

            events.Subscribe(subscription);
            return Results.Ok(events.Subscription);
        });
        app.MapDelete("/_acs/events-subscription", (AcsEventPublisher events) =>
        {
            events.Reset();
            return Results.Ok(events.Subscription);
        });
    }

    private static async Task<IResult> SendAsync(
        HttpContext context, FakeSettings settings, FaultInjector faults, MessageLedger ledger, AcsRepeatability repeatability,
        AcsEventPublisher events, TimeProvider clock)
    {
        context.Response.Headers["api-supported-versions"] = ApiVersion;
        if (context.Request.Query["api-version"] != ApiVersion)
        {
            return AcsError.Result(StatusCodes.Status400BadRequest, "UnsupportedApiVersion", $"The fake supports api-version {ApiVersion} only.");
        }

        // The raw bytes: the content hash and the signature are over the body exactly as sent.
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (AcsHmac.Verify(context, body, settings.AcsKeys, clock.GetUtcNow()) is { } denied)
        {
            return AcsError.Result(StatusCodes.Status401Unauthorized, "Unauthorized", denied);
        }

        var config = faults.Current;
        await FaultTiming.AddLatencyAsync(config, context.RequestAborted);

        AcsSendRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<AcsSendRequest>(body, AcsJson.Options);
        }
        catch (JsonException e)
        {
            return ModelError("SendMessageRequest", $"The request body is not valid JSON: {e.Message}");
        }

        if (Invalid(request) is { } invalid)
        {
            return invalid;
        }

        var fault = faults.DrawForRequest(config, includeRecipientLevel: false);
        switch (fault)
        {
            case FaultClass.Retryable:
                return AcsError.Result(config.RetryableStatus, "ServiceUnavailable", "The service is temporarily unavailable.");
            case FaultClass.Throttled:
                context.Response.Headers.RetryAfter = config.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return AcsError.Result(StatusCodes.Status429TooManyRequests, "TooManyRequests", "Too many requests.");
        }

        if (fault == FaultClass.Timeout && !config.TimeoutAccepted)
        {
            return await FaultTiming.HoldAsync(context, config)
                ? AcsError.Result(StatusCodes.Status504GatewayTimeout, "GatewayTimeout", "The request timed out.")
                : Results.Empty;
        }

        var send = request!;
        var now = clock.GetUtcNow();
        var results = send.SmsRecipients!.Select(Send).ToList();
        if (fault == FaultClass.Timeout && !await FaultTiming.HoldAsync(context, config))
        {
            return Results.Empty;
        }

        return Results.Json(new AcsSendResponse(results), AcsJson.Options, statusCode: StatusCodes.Status202Accepted);

        AcsSendResult Send(AcsRecipient recipient)
        {
            var to = recipient.To ?? "";
            if (!E164().IsMatch(to))
            {
                return AcsSendResult.Failed(to, StatusCodes.Status400BadRequest, "Invalid To phone number format.");
            }

            var requestId = recipient.RepeatabilityRequestId;
            if (requestId is not null)
            {
                if (!DateTimeOffset.TryParseExact(recipient.RepeatabilityFirstSent, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    return AcsSendResult.Failed(to, StatusCodes.Status400BadRequest,
                        "Request sent with Invalid DateTime value for repeatability-first-sent. Expected is DateTime ,RFC1123 pattern.",
                        AcsSendResult.Rejected);
                }

                if (repeatability.TryGet(requestId, out var original))
                {
                    return original;
                }
            }

            switch (faults.DrawForRecipient(config))
            {
                case FaultClass.Permanent:
                    return AcsSendResult.Failed(to, StatusCodes.Status400BadRequest, "Invalid To phone number format.");
                case FaultClass.OptedOut:
                    // The fake's wording: the service's exact opt-out message is not documented.
                    return AcsSendResult.Failed(to, StatusCodes.Status400BadRequest, "The recipient has opted out of messages from this sender.");
            }

            var accepted = new AcsSendResult(to, $"Outgoing_{now:yyyyMMddHHmmss}{Guid.NewGuid()}_noam", StatusCodes.Status202Accepted, true,
                RepeatabilityResult: requestId is null ? null : AcsSendResult.Accepted);
            if (requestId is not null && repeatability.AddOrGet(requestId, accepted) is var winner && !ReferenceEquals(winner, accepted))
            {
                return winner;
            }

            ledger.Add(new LedgerEntry(LedgerEntry.Acs, accepted.MessageId!, to, send.From, send.Message, null, null, now));
            if (send.SmsSendOptions?.EnableDeliveryReport == true && !config.LostCallbacks)
            {
                events.Schedule(DeliveryReport(accepted.MessageId!, send, to, now + settings.CallbackDelay, config),
                    now + settings.CallbackDelay, config.DuplicateCallbacks ? 2 : 1);
            }

            return accepted;
        }
    }

    private static AcsEvent DeliveryReport(string messageId, AcsSendRequest request, string to, DateTimeOffset at, FaultConfig config)
    {
        var segments = SmsSegments.Count(request.Message);
        var delivered = config.CallbackOutcome == CallbackOutcome.Delivered;
        var data = new SmsDeliveryReportData(
            MessageId: messageId,
            From: request.From!,
            To: to,
            DeliveryStatus: delivered ? "Delivered" : "Failed",
            DeliveryStatusDetails: delivered ? "No error." : $"Message delivery failed (error {config.CallbackErrorCode}).",
            DeliveryAttempts: [new SmsDeliveryAttempt(at, delivered ? segments : 0, delivered ? 0 : segments)],
            ReceivedTimestamp: at,
            Tag: request.SmsSendOptions?.Tag);
        return new AcsEvent(messageId, AcsEvent.DeliveryReportReceived, AcsEvent.SubjectFor(to), data, at);
    }

    /// <summary>Request-level checks; the real service answers them in ASP.NET ModelState shape (providers.md §4.3).</summary>
    private static IResult? Invalid(AcsSendRequest? request)
    {
        if (request is null)
        {
            return ModelError("SendMessageRequest", "The request body is required.");
        }

        if (request.From is null || !E164().IsMatch(request.From))
        {
            return ModelError("From", "Invalid from phone number format.");
        }

        if (request.SmsRecipients is not { Count: > 0 and <= MaxRecipients })
        {
            return ModelError("SmsRecipients", $"Between 1 and {MaxRecipients} recipients are required.");
        }

        if (string.IsNullOrEmpty(request.Message) || request.Message.Length > MaxMessageLength)
        {
            return ModelError("Message", $"The message is required and at most {MaxMessageLength} characters long.");
        }

        return null;
    }

    private static IResult ModelError(string field, string message) =>
        Results.Json(new Dictionary<string, string[]> { [field] = [message] }, statusCode: StatusCodes.Status400BadRequest);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
