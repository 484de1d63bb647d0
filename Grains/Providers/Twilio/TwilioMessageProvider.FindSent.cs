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
    /// <summary>Messages per list page asked of Twilio (its maximum).</summary>
    internal const int FindPageSize = 1000;

    /// <summary>The most messages one search reads before it gives up as incomplete.</summary>
    internal const int FindMaxMessages = 10_000;

    private const string OutboundApi = "outbound-api";

    /// <inheritdoc/>
    /// <remarks>
    /// <para>
    /// Reads the Messages list filtered by <c>To</c> (the recipient exactly as sent: <c>whatsapp:</c>-prefixed on a
    /// WhatsApp channel), <c>From</c> (the channel's, when it has one; a Messaging-Service-only channel filters by
    /// recipient alone) and <c>DateSent&gt;</c> the UTC date the earliest window opens (Twilio's filters have day
    /// granularity), once per recipient: every query for it is matched against the same pages. A match is an
    /// <c>outbound-api</c> message created within the query's window whose body equals the message's Body (ordinal);
    /// a content template's rendered body is not known here, so for a message without a Body any body matches.
    /// </para>
    /// <para>
    /// The work is bounded: pages of 1,000, newest first, and a scan stops at the first message sent before the
    /// earliest window (Twilio lists by send date, and a message is sent after it is created, so none further on
    /// can be in a window) or after 10,000 messages read; a scan cut short by that cap is not
    /// <see cref="SentMessageSearch.Completed"/> (its matches so far are kept).
    /// </para>
    /// <para>
    /// A message Twilio still holds unsent (queued, accepted, scheduled) has no <c>date_sent</c>, so a sent-date
    /// filter leaves it out and it is not found: search once the message has had time to leave Twilio's queue.
    /// Failures (an API error, a 5xx, transport, the attempt timeout, cancellation) are logged and answered with
    /// <see cref="SentMessageSearch.Failed"/>.
    /// </para>
    /// </remarks>
    public async Task<IReadOnlyList<SentMessageSearch>> FindSentAsync(IReadOnlyList<SentMessageQuery> queries, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(channel);
        var searches = new SentMessageSearch[queries.Count];
        Array.Fill(searches, SentMessageSearch.Failed);
        if (channel.Twilio is not { AuthToken: { } authToken } account)
        {
            LogFindFailed(queries.Count, null, "channel-config");
            return searches;
        }

        var sendable = Enumerable.Range(0, queries.Count).Where(i => Validate(queries[i].Message, channel) is null);
        foreach (var recipient in sendable.GroupBy(i => BuildOptions(queries[i].Message, channel).To.ToString(), StringComparer.Ordinal))
        {
            var indices = recipient.ToList();
            var found = await ScanAsync([.. indices.Select(i => queries[i])], channel, account.AccountSid, authToken, cancellationToken);
            for (var j = 0; j < indices.Count; j++)
            {
                searches[indices[j]] = found[j];
            }
        }

        return searches;
    }

    /// <summary>One scan of the list for <paramref name="queries"/>, which all name the same recipient.</summary>
    private async Task<IReadOnlyList<SentMessageSearch>> ScanAsync(
        List<SentMessageQuery> queries, Channel channel, string accountSid, Secret authToken, CancellationToken cancellationToken)
    {
        var window = queries[0] with { CreatedFrom = queries.Min(q => q.CreatedFrom), CreatedTo = queries.Max(q => q.CreatedTo) };
        var options = BuildReadOptions(window, channel, accountSid);
        var call = new TwilioCall(cancellationToken);
        TwilioCall.Current = call;
        try
        {
            var (searches, read) = await ReadInvariantAsync(options, queries, GetClient(accountSid, authToken), cancellationToken);
            if (!searches[0].Completed)
            {
                LogFindCutShort(queries.Count, read, searches.Sum(s => s.Matches.Length));
            }

            return searches;
        }
        catch (Exception e) when (e is TwilioException or HttpRequestException or OperationCanceledException or Newtonsoft.Json.JsonException)
        {
            // ApiException carries Twilio's code; transport failures arrive wrapped in ApiConnectionException.
            LogFindFailed(queries.Count, call.StatusCode, e is ApiException { Code: not 0 } api ? $"{e.GetType().Name} {api.Code}" : e.GetType().Name);
            return [.. queries.Select(_ => SentMessageSearch.Failed)];
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
    private static async Task<(IReadOnlyList<SentMessageSearch> Searches, int Read)> ReadInvariantAsync(
        ReadMessageOptions options, List<SentMessageQuery> queries, ITwilioRestClient client, CancellationToken cancellationToken)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        var request = new TwilioRequest(
            HttpMethod.Get,
            Domain.Api,
            $"/2010-04-01/Accounts/{options.PathAccountSid}/Messages.json",
            queryParams: options.GetParams());
        var from = WholeSeconds(queries.Min(q => q.CreatedFrom));
        var matches = queries.Select(_ => new List<FoundMessage>()).ToList();
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
                    // Sent before the earliest window opened, so created before it too; everything after it was sent earlier still.
                    return (Searches(matches, completed: true), read);
                }

                for (var i = 0; i < queries.Count; i++)
                {
                    if (IsMatch(listed, queries[i]))
                    {
                        matches[i].Add(Found(listed));
                    }
                }
            }

            if (!page.HasNextPage())
            {
                return (Searches(matches, completed: true), read);
            }

            if (read >= FindMaxMessages)
            {
                return (Searches(matches, completed: false), read);
            }

            request = new TwilioRequest(HttpMethod.Get, page.GetNextPageUrl(Domain.Api));
        }
    }

    private static List<SentMessageSearch> Searches(List<List<FoundMessage>> matches, bool completed) =>
        [.. matches.Select(m => new SentMessageSearch(completed, Oldest(m)))];

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio search for {Count} messages failed (HTTP {StatusCode}): {Error}")]
    private partial void LogFindFailed(int count, int? statusCode, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio search for {Count} messages stopped after {Read} messages before reaching the window's start; {Matches} matches so far")]
    private partial void LogFindCutShort(int count, int read, int matches);
}
