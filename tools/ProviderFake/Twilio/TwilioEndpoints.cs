using System.Globalization;
using Outbound.ProviderFake.Faults;
using Outbound.ProviderFake.Ledger;

namespace Outbound.ProviderFake.Twilio;

/// <summary>Twilio's Messages API (2010-04-01): create, fetch and list.</summary>
public static class TwilioEndpoints
{
    public static void MapTwilio(this IEndpointRouteBuilder app)
    {
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", CreateAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", ListAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages/{messageSid}.json", FetchAsync);
    }

    private static async Task<IResult> CreateAsync(
        string accountSid, HttpContext context, FakeSettings settings, FaultInjector faults, MessageLedger ledger,
        TwilioMessageStore store, StatusCallbacks callbacks, TimeProvider clock)
    {
        if (!TwilioAuth.IsAuthorized(context.Request, accountSid, settings))
        {
            return TwilioAuth.Challenge(context);
        }

        var config = faults.Current;
        await FaultTiming.AddLatencyAsync(config, context.RequestAborted);

        // Twilio reads form parameters only: a JSON body reads as no parameters at all, hence "To is required".
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        var request = TwilioSendRequest.Parse(form);
        if (TwilioValidation.Check(request) is { } invalid)
        {
            return invalid.ToResult();
        }

        TwilioMessage Accept()
        {
            var message = TwilioLifecycle.Accept(accountSid, request, clock.GetUtcNow(), settings.CallbackDelay, config);
            store.Add(message);
            ledger.Add(new LedgerEntry(LedgerEntry.Twilio, message.Sid, request.To!, request.From, request.Body,
                request.ContentSid, request.ContentVariables, message.DateCreated)
            {
                MessagingServiceSid = request.MessagingServiceSid,
                MediaUrls = request.MediaUrls.Count > 0 ? request.MediaUrls : null,
            });
            callbacks.Schedule(message, config);
            return message;
        }

        switch (faults.DrawForRequest(config, includeRecipientLevel: true))
        {
            case FaultClass.Retryable:
                return TwilioError.ServerError(config.RetryableStatus);
            case FaultClass.Throttled:
                context.Response.Headers.RetryAfter = config.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return TwilioError.Result(TwilioErrorCodes.TooManyRequests, StatusCodes.Status429TooManyRequests);
            case FaultClass.Permanent:
                return TwilioError.Result(config.PermanentCode);
            case FaultClass.OptedOut:
                return TwilioError.Result(TwilioErrorCodes.OptedOut);
            case FaultClass.Timeout:
                var accepted = config.TimeoutAccepted ? Accept() : null;
                if (!await FaultTiming.HoldAsync(context, config))
                {
                    return Results.Empty;
                }

                return accepted is null
                    ? TwilioError.ServerError(StatusCodes.Status504GatewayTimeout)
                    : Created(accepted);
            default:
                return Created(Accept());
        }
    }

    private static async Task<IResult> FetchAsync(
        string accountSid, string messageSid, HttpContext context, FakeSettings settings, FaultInjector faults,
        TwilioMessageStore store, TimeProvider clock)
    {
        if (!TwilioAuth.IsAuthorized(context.Request, accountSid, settings))
        {
            return TwilioAuth.Challenge(context);
        }

        await FaultTiming.AddLatencyAsync(faults.Current, context.RequestAborted);
        return store.Find(accountSid, messageSid) is { } message
            ? Results.Json(message.ToResource(clock.GetUtcNow()), TwilioJson.Options)
            : TwilioError.Result(TwilioErrorCodes.NotFound, StatusCodes.Status404NotFound,
                $"The requested resource {context.Request.Path} was not found");
    }

    private static async Task<IResult> ListAsync(
        string accountSid, HttpContext context, FakeSettings settings, FaultInjector faults, TwilioMessageStore store, TimeProvider clock)
    {
        if (!TwilioAuth.IsAuthorized(context.Request, accountSid, settings))
        {
            return TwilioAuth.Challenge(context);
        }

        var config = faults.Current;
        await FaultTiming.AddLatencyAsync(config, context.RequestAborted);
        var (query, invalid) = MessageListQuery.Parse(context.Request.Query);
        if (query is null)
        {
            return invalid!.ToResult();
        }

        if (query.Cursor is { } cursor && store.Find(accountSid, cursor.Sid) is null)
        {
            return TwilioError.Result(TwilioErrorCodes.InvalidParameter, message: $"Invalid PageToken: '{cursor}'");
        }

        // An outage is an outage for every endpoint: the list fails with a 5xx at the retryable rate, as create does.
        // The other classes are about a send (throttling, refusals, a held request) and are not drawn here.
        if (faults.DrawRetryable(config))
        {
            return TwilioError.ServerError(config.RetryableStatus);
        }

        var page = TwilioMessageList.Read(store, accountSid, query, clock.GetUtcNow(), context.Request.Path);
        return Results.Json(page, TwilioJson.Options);
    }

    private static IResult Created(TwilioMessage message) =>
        Results.Json(message.ToResource(now: null), TwilioJson.Options, statusCode: StatusCodes.Status201Created);
}
