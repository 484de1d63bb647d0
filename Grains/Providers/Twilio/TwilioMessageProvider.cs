using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outbound.Channels;
using Outbound.Providers;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using TwilioPhone = Twilio.Types.PhoneNumber;

namespace Outbound.Grains.Providers.Twilio;

/// <summary>
/// Sends SMS and WhatsApp messages with the Twilio SDK (Messages create). SMS carries <c>Body</c>; a WhatsApp
/// template carries <c>ContentSid</c> and <c>ContentVariables</c>; the sender is the channel's <c>From</c> and/or
/// <c>MessagingServiceSid</c>.
/// </summary>
/// <remarks>
/// <para>
/// Twilio's Messages create has no idempotency key, so this client never resends by itself, and whatever may
/// have reached Twilio without a clear answer (5xx, timeout or reset after the request left) is
/// <see cref="SendStatus.Ambiguous"/>, not retryable: resending it risks a duplicate message.
/// </para>
/// <para>
/// Error mapping (providers.md §3): 21610 → OptedOut; 20429 or HTTP 429 → Retryable with Retry-After ("requests
/// that receive 429 responses aren't processed"); 21611 (sender queue full) → Retryable; any other 4xx → Permanent;
/// 503 → Retryable (Twilio could not service it); other 5xx → Ambiguous; could not connect → Retryable (certainly not
/// sent); circuit open → Deferred (not attempted).
/// </para>
/// </remarks>
public sealed partial class TwilioMessageProvider : IMessageProvider, IMessageStatusLookup, ISignedStatusCallbacks
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> this client gets from the factory.</summary>
    public const string HttpClientName = "Twilio";

    private const string WhatsAppPrefix = "whatsapp:";
    private const int OptedOutCode = 21610;
    private const int TooManyRequestsCode = 20429;
    private const int QueueFullCode = 21611;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILogger<TwilioMessageProvider> _logger;
    private readonly TimeSpan _stillCreatingFor;

    // One REST client per account, reused across messages: the SDK client is thread-safe and cheap to keep, and
    // all of them share the factory's pooled handler. Keyed by account SID and replaced when the token changes
    // (rotation), so the cache holds one entry per account rather than one per token ever seen.
    private readonly ConcurrentDictionary<string, CachedClient> _clients = new(StringComparer.Ordinal);

    public TwilioMessageProvider(IHttpClientFactory httpClientFactory, ProviderSettings settings, ILogger<TwilioMessageProvider> logger)
    {
        _httpClientFactory = httpClientFactory;
        _logger = logger;
        // A request that outlived our timeout may still be creating its message at Twilio: looked up no sooner than
        // that long again.
        _stillCreatingFor = settings.AttemptTimeout;
    }

    /// <inheritdoc/>
    public ProviderKind Kind => ProviderKind.Twilio;

    /// <inheritdoc/>
    /// <remarks>Messages create has no idempotency key: an unknown outcome is looked up in the Messages list before a resend.</remarks>
    public ProviderCapabilities Capabilities { get; } = new(IdempotentResend: false, StatusReporting.SignedCallbackPerMessage);

    /// <inheritdoc/>
    public async Task<SendOutcome> SendAsync(ProviderMessage message, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channel);
        cancellationToken.ThrowIfCancellationRequested();

        if (channel.Twilio is not { AuthToken: { } authToken } account)
        {
            return Log(message, SendOutcome.Failed(SendStatus.Permanent, "channel-config", "The channel has no Twilio account credentials."));
        }

        if (Validate(message, channel) is { } invalid)
        {
            return Log(message, SendOutcome.Failed(SendStatus.Permanent, "invalid-message", invalid));
        }

        var options = BuildOptions(message, channel);
        var client = GetClient(account.AccountSid, authToken);
        var call = new TwilioCall(cancellationToken);
        TwilioCall.Current = call;
        try
        {
            var created = await CreateInvariantAsync(options, client);
            return Log(message, SendOutcome.Accepted(created.Sid));
        }
        catch (ApiException e)
        {
            return Log(message, FromApiException(e, call));
        }
        catch (Exception e) when (e is TwilioException or HttpRequestException or OperationCanceledException)
        {
            // Transport failures reach us as ApiConnectionException (the SDK wraps whatever the HTTP stack threw).
            if (cancellationToken.IsCancellationRequested && !call.RequestSent)
            {
                throw new OperationCanceledException("The send was cancelled before the request left.", e, cancellationToken);
            }

            return Log(message, FromTransportFailure(e, call, _stillCreatingFor));
        }
        finally
        {
            TwilioCall.Current = null;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Fetches the Message resource; any failure (unknown SID, auth, transport) is "cannot say" rather than an error.</remarks>
    public async Task<ReportedStatus?> LookUpAsync(string providerMessageId, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.Twilio is not { AuthToken: { } authToken } account)
        {
            return null;
        }

        var call = new TwilioCall(cancellationToken);
        TwilioCall.Current = call;
        try
        {
            var fetched = await MessageResource.FetchAsync(new FetchMessageOptions(providerMessageId) { PathAccountSid = account.AccountSid }, GetClient(account.AccountSid, authToken));
            return TwilioStatuses.TryParse(fetched.Status?.ToString(), out var status)
                ? new ReportedStatus(status, fetched.ErrorCode?.ToString(CultureInfo.InvariantCulture))
                : null;
        }
        catch (Exception e) when (e is TwilioException or HttpRequestException or OperationCanceledException)
        {
            LogLookupFailed(providerMessageId, e.GetType().Name);
            return null;
        }
        finally
        {
            TwilioCall.Current = null;
        }
    }

    /// <summary>Why the message cannot be sent as it is, or null.</summary>
    internal static string? Validate(ProviderMessage message, Channel channel)
    {
        if (string.IsNullOrWhiteSpace(message.To))
        {
            return "The message has no recipient.";
        }

        if (string.IsNullOrEmpty(message.Body) && string.IsNullOrEmpty(message.ContentSid))
        {
            return "A Twilio message needs a Body or a ContentSid.";
        }

        if (string.IsNullOrEmpty(channel.From) && string.IsNullOrEmpty(channel.MessagingServiceSid))
        {
            return "The channel has neither a From number nor a MessagingServiceSid.";
        }

        return null;
    }

    /// <summary>The SDK options for <paramref name="message"/>; WhatsApp addresses get the <c>whatsapp:</c> prefix.</summary>
    internal static CreateMessageOptions BuildOptions(ProviderMessage message, Channel channel)
    {
        var to = channel.Type == ChannelType.WhatsApp && !message.To.StartsWith(WhatsAppPrefix, StringComparison.Ordinal)
            ? WhatsAppPrefix + message.To
            : message.To;
        var options = new CreateMessageOptions(new TwilioPhone(to))
        {
            StatusCallback = message.StatusCallback,
        };

        // With both, Twilio sends through the service and uses From as the sender from its pool.
        if (!string.IsNullOrEmpty(channel.From))
        {
            options.From = new TwilioPhone(channel.From);
        }

        if (!string.IsNullOrEmpty(channel.MessagingServiceSid))
        {
            options.MessagingServiceSid = channel.MessagingServiceSid;
        }

        if (!string.IsNullOrEmpty(message.ContentSid))
        {
            options.ContentSid = message.ContentSid;
            if (message.ContentVariables is { Count: > 0 } variables)
            {
                options.ContentVariables = ContentVariablesJson(variables);
            }
        }

        if (!string.IsNullOrEmpty(message.Body))
        {
            options.Body = message.Body;
        }

        return options;
    }

    /// <summary>The ContentVariables JSON object, keys in ordinal order so the same message always gives the same body.</summary>
    internal static string ContentVariablesJson(IReadOnlyDictionary<string, string> variables) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(variables.ToDictionary(), StringComparer.Ordinal));

    /// <summary>
    /// The SDK formats some values (SendAt, numbers) with the current culture (providers.md §1.3: <c>fi-FI</c> gave
    /// <c>03.04.05</c>, <c>ar-SA</c> a Hijri year). Run the call under the invariant culture; being an async method,
    /// the change is undone for our caller when it returns.
    /// </summary>
    private static async Task<MessageResource> CreateInvariantAsync(CreateMessageOptions options, ITwilioRestClient client)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        return await MessageResource.CreateAsync(options, client);
    }

    private TwilioRestClient GetClient(string accountSid, Secret authToken)
    {
        if (_clients.TryGetValue(accountSid, out var cached) && string.Equals(cached.AuthToken.Value, authToken.Value, StringComparison.Ordinal))
        {
            return cached.Client;
        }

        // The HttpClient comes from the factory (handlers: resilience, base-URL rewrite, logging); its handler
        // chain lives as long as the app (see AddMessageProviders), so holding the client is safe.
        var http = new SystemNetHttpClient(_httpClientFactory.CreateClient(HttpClientName));
        var created = new CachedClient(authToken, new TwilioRestClient(accountSid, authToken.Value, httpClient: http));
        _clients[accountSid] = created;
        return created.Client;
    }

    internal static SendOutcome FromApiException(ApiException e, TwilioCall call)
    {
        // A non-JSON error body (an HTML 503 from a proxy) gives Status=0: the handler saw the real status.
        var status = e.Status != 0 ? e.Status : call.StatusCode ?? 0;
        var code = e.Code != 0 ? e.Code.ToString(CultureInfo.InvariantCulture) : status != 0 ? $"http-{status.ToString(CultureInfo.InvariantCulture)}" : "unknown";
        // A non-JSON error puts the whole response body into the exception message (an HTML page from a proxy).
        var text = ErrorTexts.Bound(e.Message)!;
        if (e.Code == OptedOutCode)
        {
            return SendOutcome.Failed(SendStatus.OptedOut, code, text);
        }

        if (e.Code == TooManyRequestsCode || status == 429)
        {
            // Not processed, safe to retry after backing off (Twilio's 20429 page); honour Retry-After when sent.
            return SendOutcome.Failed(SendStatus.Retryable, code, text, call.RetryAfter);
        }

        if (status == 503)
        {
            // "We are temporarily unable to service the request": refused before processing, so nothing was created.
            return SendOutcome.Failed(SendStatus.Retryable, code, text, call.RetryAfter);
        }

        if (e.Code == QueueFullCode)
        {
            // The sender's queue is full: refused at create time, so nothing was queued; later, at a lower rate.
            return SendOutcome.Failed(SendStatus.Retryable, code, text, call.RetryAfter);
        }

        if (status is >= 400 and < 500)
        {
            // Validation, auth (20003), unknown number, no permission, not SMS-capable (21211, 21408, 21614, …):
            // resending the same request gets the same answer. Never retry 4xx other than 429 (providers.md §3).
            return SendOutcome.Failed(SendStatus.Permanent, code, text);
        }

        // 5xx or no readable status: Twilio may have created the message, and there is no idempotency key.
        return SendOutcome.Failed(SendStatus.Ambiguous, code, text, call.RetryAfter);
    }

    internal static SendOutcome FromTransportFailure(Exception e, TwilioCall call, TimeSpan? stillCreatingFor = null)
    {
        if (ProviderFailures.CircuitOpen(e) is { } refused)
        {
            return refused;
        }

        if (!call.RequestSent || ProviderFailures.NeverSent(e))
        {
            return SendOutcome.Failed(SendStatus.Retryable, ProviderFailures.Code(e), "The request did not reach Twilio.");
        }

        return SendOutcome.Failed(
            SendStatus.Ambiguous,
            ProviderFailures.Code(e),
            "The request was sent but no answer came (timeout or broken connection); Twilio may have created the message.",
            stillCreatingFor);
    }

    private SendOutcome Log(ProviderMessage message, SendOutcome outcome)
    {
        if (outcome.Status == SendStatus.Accepted)
        {
            LogAccepted(message.MessageId, outcome.ProviderMessageId);
        }
        else
        {
            LogFailed(message.MessageId, outcome.Status, outcome.ErrorCode);
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Twilio accepted message {MessageId} as {ProviderMessageId}")]
    private partial void LogAccepted(Guid messageId, string? providerMessageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio send of message {MessageId} failed: {Status} ({ErrorCode})")]
    private partial void LogFailed(Guid messageId, SendStatus status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio lookup of {ProviderMessageId} failed: {Error}")]
    private partial void LogLookupFailed(string providerMessageId, string error);

    /// <summary>A class, not a record: a record's generated ToString would print the token.</summary>
    private sealed class CachedClient(Secret authToken, TwilioRestClient client)
    {
        public Secret AuthToken { get; } = authToken;

        public TwilioRestClient Client { get; } = client;
    }
}
