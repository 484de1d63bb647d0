using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outbound.Channels;
using Outbound.Providers;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Outbound.Grains.Providers.Acs;

/// <summary>
/// Sends SMS through Azure Communication Services over REST (<c>POST {endpoint}/sms?api-version=2021-03-07</c>,
/// HMAC-signed by <see cref="AcsRequestSigner"/>): there is no ACS SMS package for .NET to build on.
/// </summary>
/// <remarks>
/// <para>
/// Every recipient carries the message's stored <c>repeatabilityRequestId</c> and <c>repeatabilityFirstSent</c>,
/// unchanged on every retry, so ACS deduplicates a resend (<see cref="ProviderCapabilities.IdempotentResend"/>):
/// a timeout after the request left is <see cref="SendStatus.Ambiguous"/> (it may have been processed) and
/// settled by sending again, and the HTTP client may retry 5xx and transport failures by itself.
/// </para>
/// <para>
/// ACS answers 202 with one result per recipient: item 202 → Accepted; item 400 → Permanent; item 429 →
/// Retryable; item 5xx → Retryable. For the whole request: 401/403 → Permanent (wrong key, endpoint or an
/// unowned From); 429 → Retryable with the Retry-After header; 408/5xx → Retryable; other 4xx → Permanent.
/// </para>
/// </remarks>
public sealed partial class AcsMessageProvider : IBatchMessageProvider
{
    /// <summary>The name of the <see cref="HttpClient"/> this client gets from the factory.</summary>
    public const string HttpClientName = "Acs";

    /// <summary>The SMS API version (the one the official JS SDK 1.1.0 uses).</summary>
    public const string ApiVersion = "2021-03-07";

    /// <summary>The most recipients ACS takes in one send request.</summary>
    public const int MaxRecipientsPerRequest = 100;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly AcsRequestSigner _signer;
    private readonly TimeProvider _time;
    private readonly ILogger<AcsMessageProvider> _logger;
    private readonly AcsEndpointPolicy _endpoints;

    public AcsMessageProvider(
        IHttpClientFactory httpClientFactory, AcsRequestSigner signer, TimeProvider time, ILogger<AcsMessageProvider> logger, AcsEndpointPolicy endpoints)
    {
        _httpClientFactory = httpClientFactory;
        _endpoints = endpoints;
        _signer = signer;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public ProviderKind Kind => ProviderKind.AzureCommunicationServices;

    /// <inheritdoc/>
    /// <remarks>
    /// Delivery reports arrive as Event Grid events on the resource's subscription, each with the send's
    /// <c>smsSendOptions.tag</c>; ACS has no API to find or fetch a sent message.
    /// </remarks>
    public ProviderCapabilities Capabilities { get; } = new(IdempotentResend: true, StatusReporting.TaggedEvents);

    /// <inheritdoc/>
    public async Task<SendOutcome> SendAsync(ProviderMessage message, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (await SendBatchAsync([message], channel, cancellationToken))[0];
    }

    /// <summary>
    /// Sends the messages in as few requests as ACS allows: one request per distinct body and
    /// <see cref="ProviderMessage.ReportTag"/>, up to <see cref="MaxRecipientsPerRequest"/> recipients each, each
    /// recipient at most once per request (results are matched to messages by recipient). Requests go one after the
    /// other, to stay within the number's rate limit.
    /// </summary>
    /// <remarks>
    /// The delivery-report <c>tag</c> is per request, not per recipient, so only messages with the same
    /// <see cref="ProviderMessage.ReportTag"/> (the messages of one batch) share a request; ACS echoes it in each
    /// recipient's report, and the returned message id tells the recipients apart.
    /// </remarks>
    public async Task<IReadOnlyList<SendOutcome>> SendBatchAsync(IReadOnlyList<ProviderMessage> messages, Channel channel, CancellationToken stopStarting)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(channel);
        var outcomes = new SendOutcome[messages.Count];

        if (ConfigurationError(channel) is { } configError)
        {
            Array.Fill(outcomes, SendOutcome.Failed(SendStatus.Permanent, "channel-config", configError));
            return Log(messages, outcomes);
        }

        var sendable = new List<int>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (Validate(messages[i]) is { } invalid)
            {
                outcomes[i] = SendOutcome.Failed(SendStatus.Permanent, "invalid-message", invalid);
            }
            else
            {
                sendable.Add(i);
            }
        }

        var uri = SendUri(channel.Acs!.Endpoint);
        var notStarted = SendOutcome.Deferred(SendOutcome.QueuedCode, "The round's time ran out before this message's request started.");
        foreach (var request in Plan(messages, sendable))
        {
            // A request under way always finishes (bounded by the attempt timeout); only new ones stop.
            var results = stopStarting.IsCancellationRequested
                ? All(request.Count, notStarted)
                : await SendRequestAsync(uri, channel.From!, channel.Acs.AccessKey!, request.Select(i => messages[i]).ToList());
            for (var j = 0; j < request.Count; j++)
            {
                outcomes[request[j]] = results[j];
            }
        }

        return Log(messages, outcomes);
    }

    /// <summary>The request URI: the resource endpoint (with or without a trailing slash) + <c>sms?api-version=…</c>.</summary>
    internal static Uri SendUri(string endpoint) =>
        new(new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute), $"sms?api-version={ApiVersion}");

    private string? ConfigurationError(Channel channel)
    {
        if (channel.Acs is not { AccessKey: not null } acs)
        {
            return "The channel has no ACS resource credentials.";
        }

        // Checked again at send time: a channel stored before the allow-list (or before it was narrowed) is not called.
        if (!_endpoints.Allows(acs.Endpoint))
        {
            return "The channel's ACS endpoint is not on the allowed hosts (ACS_ENDPOINT_ALLOWED_HOSTS).";
        }

        return string.IsNullOrEmpty(channel.From) ? "The channel has no From number." : null;
    }

    private static string? Validate(ProviderMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.To))
        {
            return "The message has no recipient.";
        }

        if (string.IsNullOrEmpty(message.Body))
        {
            return "An ACS SMS needs a Body.";
        }

        return message.ContentSid is null ? null : "ACS does not send content templates (ContentSid); only Twilio WhatsApp does.";
    }

    /// <summary>Groups message indexes into requests: same body and report tag, at most 100, each recipient once.</summary>
    internal static List<List<int>> Plan(IReadOnlyList<ProviderMessage> messages, IEnumerable<int> indexes)
    {
        var requests = new List<List<int>>();
        var open = new Dictionary<(string Body, string? Tag), List<(List<int> Indexes, HashSet<string> Recipients)>>();
        foreach (var i in indexes)
        {
            var message = messages[i];
            var key = (message.Body!, message.ReportTag);
            if (!open.TryGetValue(key, out var candidates))
            {
                open[key] = candidates = [];
            }

            var target = candidates.FirstOrDefault(c => c.Indexes.Count < MaxRecipientsPerRequest && !c.Recipients.Contains(message.To));
            if (target.Indexes is null)
            {
                target = ([], new HashSet<string>(StringComparer.Ordinal));
                candidates.Add(target);
                requests.Add(target.Indexes);
            }

            target.Indexes.Add(i);
            target.Recipients.Add(message.To);
        }

        return requests;
    }

    private async Task<SendOutcome[]> SendRequestAsync(Uri uri, string from, Secret accessKey, IReadOnlyList<ProviderMessage> recipients)
    {
        var payload = new AcsSendRequest(
            from,
            recipients.Select(m => new AcsRecipient(m.To, m.RepeatabilityRequestId.ToString("D"), m.RepeatabilityFirstSentRfc1123)).ToList(),
            recipients[0].Body!,
            new AcsSendOptions(EnableDeliveryReport: true, Tag: recipients[0].ReportTag));
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, AcsJson.Options);

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            // Signed once, before the resilience handler: its retries resend the identical request (date and
            // signature included), as the official SDKs' pipelines do; they are seconds apart, well within ACS's
            // clock-skew window.
            _signer.Sign(request, body, accessKey);
        }
        catch (ArgumentException e)
        {
            return All(recipients.Count, SendOutcome.Failed(SendStatus.Permanent, "channel-config", e.Message));
        }

        HttpResponseMessage response;
        try
        {
            response = await _httpClientFactory.CreateClient(HttpClientName).SendAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException)
        {
            return All(recipients.Count, ProviderFailures.CircuitOpen(e)
                ?? (ProviderFailures.NeverSent(e)
                    ? SendOutcome.Failed(SendStatus.Retryable, ProviderFailures.Code(e), "The request did not reach ACS.")
                    // ACS may have processed it; sending it again with the same repeatability ids settles that.
                    : SendOutcome.Failed(SendStatus.Ambiguous, ProviderFailures.Code(e), "No answer from ACS (timeout or broken connection); a resend is deduplicated.")));
        }

        using (response)
        {
            var retryAfter = ProviderFailures.RetryAfter(response, _time);
            if (response.IsSuccessStatusCode)
            {
                var parsed = await ReadAsync<AcsSendResponse>(response, CancellationToken.None);
                return MatchItems(recipients, parsed?.Value ?? [], retryAfter);
            }

            var status = (int)response.StatusCode;
            var text = await ErrorTextAsync(response, CancellationToken.None);
            var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var outcome = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    SendOutcome.Failed(SendStatus.Permanent, code, $"ACS refused the credentials (check the channel's endpoint, access key and From number): {text}"),
                HttpStatusCode.TooManyRequests => SendOutcome.Failed(SendStatus.Retryable, code, text, retryAfter),
                HttpStatusCode.RequestTimeout => SendOutcome.Failed(SendStatus.Retryable, code, text, retryAfter),
                _ when status >= 500 => SendOutcome.Failed(SendStatus.Retryable, code, text, retryAfter),
                _ => SendOutcome.Failed(SendStatus.Permanent, code, text),
            };
            return All(recipients.Count, outcome);
        }
    }

    /// <summary>Matches results to recipients by <c>to</c>, or by position when ACS echoes numbers differently.</summary>
    private static SendOutcome[] MatchItems(IReadOnlyList<ProviderMessage> recipients, IReadOnlyList<AcsSendResponseItem> items, TimeSpan? retryAfter)
    {
        var byRecipient = new Dictionary<string, AcsSendResponseItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.To is not null)
            {
                byRecipient.TryAdd(item.To, item);
            }
        }

        var outcomes = new SendOutcome[recipients.Count];
        for (var i = 0; i < recipients.Count; i++)
        {
            var item = byRecipient.GetValueOrDefault(recipients[i].To) ?? (items.Count == recipients.Count ? items[i] : null);
            outcomes[i] = item is null
                ? SendOutcome.Failed(SendStatus.Retryable, "no-result", "ACS returned no result for this recipient; a resend is deduplicated.")
                : FromItem(item, retryAfter);
        }

        return outcomes;
    }

    private static SendOutcome FromItem(AcsSendResponseItem item, TimeSpan? retryAfter)
    {
        if (item.Successful)
        {
            return SendOutcome.Accepted(item.MessageId);
        }

        var code = item.HttpStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = ErrorTexts.Bound(item.ErrorMessage) ?? $"ACS refused the recipient ({code}).";
        return item.HttpStatusCode switch
        {
            // Invalid number, or repeatabilityResult "rejected" (an invalid first-sent value).
            400 => SendOutcome.Failed(SendStatus.Permanent, code, text),
            429 => SendOutcome.Failed(SendStatus.Retryable, code, text, retryAfter),
            408 or >= 500 => SendOutcome.Failed(SendStatus.Retryable, code, text, retryAfter),
            _ => SendOutcome.Failed(SendStatus.Permanent, code, text),
        };
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(AcsJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The error's message: <c>{"error":{"code","message"}}</c>, or the raw (truncated) body for other shapes.</summary>
    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var raw = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (JsonSerializer.Deserialize<AcsErrorResponse>(raw, AcsJson.Options)?.Error is { } error)
            {
                var text = string.Join(": ", new[] { error.Code, error.Message }.Where(s => !string.IsNullOrEmpty(s)));
                if (text.Length > 0)
                {
                    return ErrorTexts.Bound(text)!;
                }
            }
        }
        catch (JsonException)
        {
            // Not the Azure error shape (e.g. ASP.NET's {"From":["Invalid from phone number format."]}): use it raw.
        }

        raw = raw.Trim();
        if (raw.Length == 0)
        {
            return response.ReasonPhrase ?? response.StatusCode.ToString();
        }

        return ErrorTexts.Bound(raw)!;
    }

    private static SendOutcome[] All(int count, SendOutcome outcome) => Enumerable.Repeat(outcome, count).ToArray();

    private SendOutcome[] Log(IReadOnlyList<ProviderMessage> messages, SendOutcome[] outcomes)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (outcomes[i].Status == SendStatus.Accepted)
            {
                LogAccepted(messages[i].MessageId, outcomes[i].ProviderMessageId);
            }
            else
            {
                LogFailed(messages[i].MessageId, outcomes[i].Status, outcomes[i].ErrorCode);
            }
        }

        return outcomes;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ACS accepted message {MessageId} as {ProviderMessageId}")]
    private partial void LogAccepted(Guid messageId, string? providerMessageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "ACS send of message {MessageId} failed: {Status} ({ErrorCode})")]
    private partial void LogFailed(Guid messageId, SendStatus status, string? errorCode);
}
