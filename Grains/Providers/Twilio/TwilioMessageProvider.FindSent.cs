using System.Globalization;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using Outbound.Channels;
using Outbound.Providers;
using Twilio.Base;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest;
using Twilio.Rest.Api.V2010.Account;
using HttpMethod = Twilio.Http.HttpMethod;
using TwilioRequest = Twilio.Http.Request;

namespace Outbound.Grains.Providers.Twilio;

/// <summary>Finding a message Twilio may have created from an attempt whose outcome is unknown (the Messages list).</summary>
public sealed partial class TwilioMessageProvider : ISentMessageFinder
{
    /// <summary>Messages per list page asked of Twilio.</summary>
    internal const int FindPageSize = 100;

    /// <summary>The most messages one search reads before it gives up as incomplete.</summary>
    internal const int FindMaxMessages = 1000;

    private const string OutboundApi = "outbound-api";

    /// <inheritdoc/>
    /// <remarks>
    /// <para>
    /// Reads the Messages list filtered by <c>To</c> (the recipient exactly as sent: <c>whatsapp:</c>-prefixed on a
    /// WhatsApp channel), <c>From</c> (the channel's, when it has one; a Messaging-Service-only channel filters by
    /// recipient alone) and <c>DateSent&gt;</c> the UTC date of <see cref="SentMessageQuery.CreatedFrom"/> (Twilio's
    /// filters have day granularity). A match is an <c>outbound-api</c> message created within
    /// [<see cref="SentMessageQuery.CreatedFrom"/>, <see cref="SentMessageQuery.CreatedTo"/>] whose body equals the
    /// message's Body (ordinal); a content template's rendered body is not known here, so for a message without a
    /// Body any body matches.
    /// </para>
    /// <para>
    /// The work is bounded: pages of 100, newest first, and the search stops at the first message sent before
    /// CreatedFrom (Twilio lists by send date, and a message is sent after it is created, so none further on can be
    /// in the window) or after 1,000 messages read; a search cut short by that cap is not
    /// <see cref="SentMessageSearch.Completed"/> (its matches so far are kept).
    /// </para>
    /// <para>
    /// A message Twilio still holds unsent (queued, accepted, scheduled) has no <c>date_sent</c>, so a sent-date
    /// filter leaves it out and it is not found: search once the message has had time to leave Twilio's queue.
    /// Failures (an API error, a 5xx, transport, the attempt timeout, cancellation) are logged and answered with
    /// <see cref="SentMessageSearch.Failed"/>.
    /// </para>
    /// </remarks>
    public async Task<SentMessageSearch> FindSentAsync(SentMessageQuery query, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(channel);
        var messageId = query.Message.MessageId;
        if (channel.Twilio is not { AuthToken: { } authToken } account || Validate(query.Message, channel) is not null)
        {
            LogFindFailed(messageId, null, "invalid-message-or-channel");
            return SentMessageSearch.Failed;
        }

        var options = BuildReadOptions(query, channel, account.AccountSid);
        var client = GetClient(account.AccountSid, authToken);
        var call = new TwilioCall(cancellationToken);
        TwilioCall.Current = call;
        try
        {
            var (search, read) = await ReadInvariantAsync(options, query, client, cancellationToken);
            if (!search.Completed)
            {
                LogFindCutShort(messageId, read, search.Matches.Length);
            }

            return search;
        }
        catch (Exception e) when (e is TwilioException or HttpRequestException or OperationCanceledException or Newtonsoft.Json.JsonException)
        {
            // ApiException carries Twilio's code; transport failures arrive wrapped in ApiConnectionException.
            LogFindFailed(messageId, call.StatusCode, e is ApiException { Code: not 0 } api ? $"{e.GetType().Name} {api.Code}" : e.GetType().Name);
            return SentMessageSearch.Failed;
        }
        finally
        {
            TwilioCall.Current = null;
        }
    }

    /// <summary>The list filters for <paramref name="query"/>: recipient and sender exactly as <see cref="BuildOptions"/> sends them.</summary>
    internal static ReadMessageOptions BuildReadOptions(SentMessageQuery query, Channel channel, string accountSid)
    {
        var sent = BuildOptions(query.Message, channel);
        return new ReadMessageOptions
        {
            PathAccountSid = accountSid,
            To = sent.To,
            From = sent.From,
            // The UTC day the window starts on, as a DateTime of kind Utc: the SDK writes it without converting.
            DateSentAfter = query.CreatedFrom.UtcDateTime.Date,
            PageSize = FindPageSize,
        };
    }

    /// <summary>Whether a listed message is the one <paramref name="query"/> looks for (the list already filtered recipient, sender and day).</summary>
    internal static bool IsMatch(MessageResource listed, SentMessageQuery query)
    {
        if (listed.Direction?.ToString() != OutboundApi || Utc(listed.DateCreated) is not { } created)
        {
            return false;
        }

        // Twilio's dates are whole seconds: a message created in CreatedFrom's second shows an earlier time.
        var from = WholeSeconds(query.CreatedFrom);
        if (created < from || created > query.CreatedTo)
        {
            return false;
        }

        return string.IsNullOrEmpty(query.Message.Body) || string.Equals(listed.Body, query.Message.Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Reads page after page under the invariant culture: the SDK writes <c>DateSent&gt;</c> with the current culture
    /// (providers.md §1.3: <c>fi-FI</c> writes <c>00.00.00</c>, <c>ar-SA</c> a Hijri year). Being an async method, the
    /// change is undone for our caller when it returns.
    /// </summary>
    /// <remarks>
    /// The pages are fetched here rather than by enumerating the SDK's <c>ResourceSet</c>: its paging is synchronous
    /// (<c>MessageResource.NextPage</c> blocks on the HTTP call), which would block a grain's thread and, with a
    /// continuation bound to the grain's scheduler, deadlock it. The same SDK pieces do the work: its request (auth,
    /// query encoding), its error handling (<c>ApiException</c>), its page parser and its next-page URL.
    /// </remarks>
    private static async Task<(SentMessageSearch Search, int Read)> ReadInvariantAsync(
        ReadMessageOptions options, SentMessageQuery query, ITwilioRestClient client, CancellationToken cancellationToken)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        var request = new TwilioRequest(
            HttpMethod.Get,
            Domain.Api,
            $"/2010-04-01/Accounts/{options.PathAccountSid}/Messages.json",
            queryParams: options.GetParams());
        var from = WholeSeconds(query.CreatedFrom);
        var matches = new List<FoundMessage>();
        var read = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = await client.RequestAsync(request);
            var page = Page<MessageResource>.FromJson("messages", response.Content);
            foreach (var listed in page.Records)
            {
                read++;
                if (Utc(listed.DateSent) is { } sent && sent < from)
                {
                    // Sent before the window opened, so created before it too; everything after it was sent earlier still.
                    return (Completed(matches), read);
                }

                if (IsMatch(listed, query))
                {
                    matches.Add(Found(listed));
                }
            }

            if (!page.HasNextPage())
            {
                return (Completed(matches), read);
            }

            if (read >= FindMaxMessages)
            {
                return (new SentMessageSearch(false, Oldest(matches)), read);
            }

            request = new TwilioRequest(HttpMethod.Get, page.GetNextPageUrl(Domain.Api));
        }
    }

    private static SentMessageSearch Completed(List<FoundMessage> matches) => new(true, Oldest(matches));

    private static ImmutableArray<FoundMessage> Oldest(List<FoundMessage> matches) =>
        [.. matches.OrderBy(m => m.CreatedAt).ThenBy(m => m.ProviderMessageId, StringComparer.Ordinal)];

    private static FoundMessage Found(MessageResource listed)
    {
        var status = TwilioStatuses.TryParse(listed.Status?.ToString(), out var parsed)
            ? new ReportedStatus(parsed, listed.ErrorCode?.ToString(CultureInfo.InvariantCulture))
            : null;
        return new FoundMessage(listed.Sid, status, Utc(listed.DateCreated)!.Value);
    }

    /// <summary>
    /// The SDK parses Twilio's dates (<c>+0000</c>) into local time (kind Local); back to UTC. An unspecified kind is
    /// taken as UTC.
    /// </summary>
    private static DateTimeOffset? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

    private static DateTimeOffset WholeSeconds(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio search for message {MessageId} failed (HTTP {StatusCode}): {Error}")]
    private partial void LogFindFailed(Guid messageId, int? statusCode, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio search for message {MessageId} stopped after {Read} messages before reaching the window's start; {Matches} matches so far")]
    private partial void LogFindCutShort(Guid messageId, int read, int matches);
}
