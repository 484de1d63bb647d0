using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Outbound.ProviderFake.Twilio;

/// <summary>Where a list page starts: after (<c>PA</c>) or before (<c>PB</c>) the message with <see cref="Sid"/>.</summary>
public sealed record PageCursor(bool After, string Sid)
{
    public override string ToString() => (After ? "PA" : "PB") + Sid;
}

/// <summary>
/// The query of a Messages list (spec operation <c>ListMessage</c>): the filters <c>To</c>, <c>From</c>,
/// <c>DateSent</c>, <c>DateSent&lt;</c>, <c>DateSent&gt;</c> and the paging parameters.
/// </summary>
/// <param name="SentFrom">Sent on or after (inclusive), from <c>DateSent</c> or <c>DateSent&gt;</c>.</param>
/// <param name="SentUntil">Sent on or before (inclusive), from <c>DateSent</c> or <c>DateSent&lt;</c>.</param>
/// <param name="Filters">The filters as received, in the order the page URIs repeat them.</param>
public sealed partial record MessageListQuery(
    string? To,
    string? From,
    DateTimeOffset? SentFrom,
    DateTimeOffset? SentUntil,
    int PageSize,
    int Page,
    PageCursor? Cursor,
    IReadOnlyList<KeyValuePair<string, string>> Filters)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    private static readonly string[] DateSentKeys = ["DateSent", "DateSent<", "DateSent>"];

    // What the Twilio SDK sends (Serializers.DateTimeIso8601, providers.md §1.3), with fractions and offsets allowed.
    private static readonly string[] DateTimeFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>A DateSent filter is set: only a message with a <c>date_sent</c> can pass.</summary>
    public bool FiltersBySentDate => SentFrom is not null || SentUntil is not null;

    /// <summary>The query, or the 400 Twilio answers for it.</summary>
    public static (MessageListQuery? Query, TwilioError? Error) Parse(IQueryCollection query)
    {
        var filters = new List<KeyValuePair<string, string>>();
        var to = Value(query, "To", filters);
        var from = Value(query, "From", filters);
        DateTimeOffset? sentFrom = null, sentUntil = null;
        foreach (var key in DateSentKeys)
        {
            if (Value(query, key, filters) is not { } raw)
            {
                continue;
            }

            if (!TryParseDate(raw, out var at, out var isDate))
            {
                return (null, Invalid($"{key} must be a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDThh:mm:ssZ): '{raw}'"));
            }

            // DateSent is that UTC day (of a date-time too); "<" is on or before the date-time, or before the
            // next midnight for a date; ">" is on or after the date-time, or the date's midnight.
            var dayStart = new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero);
            var dayEnd = dayStart.AddDays(1).AddTicks(-1);
            if (key != "DateSent<")
            {
                sentFrom = Max(sentFrom, key == "DateSent" ? dayStart : at);
            }

            if (key != "DateSent>")
            {
                sentUntil = Min(sentUntil, key == "DateSent" || isDate ? dayEnd : at);
            }
        }

        if (!TryInt(query, "PageSize", DefaultPageSize, out var pageSize) || pageSize is < 1 or > MaxPageSize)
        {
            return (null, Invalid($"PageSize must be an integer from 1 to {MaxPageSize}"));
        }

        if (!TryInt(query, "Page", 0, out var page) || page < 0)
        {
            return (null, Invalid("Page must be an integer of at least 0"));
        }

        PageCursor? cursor = null;
        if (Value(query, "PageToken", filters: null) is { } token)
        {
            if (PageToken().Match(token) is not { Success: true } match)
            {
                return (null, Invalid($"Invalid PageToken: '{token}'"));
            }

            cursor = new PageCursor(match.Groups[1].Value == "A", match.Groups[2].Value);
        }
        else if (page > 0)
        {
            // What Twilio answers a Page without a token (seen in twilio/twilio-php#507).
            return (null, Invalid("Paged requests must include a PageToken"));
        }

        return (new MessageListQuery(to, from, sentFrom, sentUntil, pageSize, page, cursor, filters), null);
    }

    /// <summary>Whether <paramref name="message"/> passes the filters as of <paramref name="now"/>.</summary>
    public bool Matches(TwilioMessage message, DateTimeOffset now)
    {
        if ((To is not null && message.Request.To != To) || (From is not null && message.FromAt(now) != From))
        {
            return false;
        }

        if (!FiltersBySentDate)
        {
            return true;
        }

        // A message still queued has no date_sent, so no sent-date filter can take it.
        return message.SentAt(now) is { } sent && (SentFrom is null || sent >= SentFrom) && (SentUntil is null || sent <= SentUntil);
    }

    /// <summary>
    /// Accepts a <c>YYYY-MM-DD</c> date (<paramref name="isDate"/>, midnight UTC) or an ISO-8601 date-time (UTC when
    /// it names no offset). Twilio's spec also shows other formats in examples (<c>06/11/2019 22:05:25 MST</c>); the
    /// fake refuses them rather than guess what they mean.
    /// </summary>
    public static bool TryParseDate(string value, out DateTimeOffset at, out bool isDate)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            (at, isDate) = (new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), true);
            return true;
        }

        isDate = false;
        return DateTimeOffset.TryParseExact(value, DateTimeFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    private static TwilioError Invalid(string message) =>
        TwilioError.Of(TwilioErrorCodes.InvalidParameter, StatusCodes.Status400BadRequest, message);

    // Twilio treats an empty parameter as an absent one. A filter is remembered for the page URIs.
    private static string? Value(IQueryCollection query, string key, List<KeyValuePair<string, string>>? filters)
    {
        if (!query.TryGetValue(key, out var values) || StringValues.IsNullOrEmpty(values) || values[0] is not { Length: > 0 } value)
        {
            return null;
        }

        filters?.Add(KeyValuePair.Create(key, value));
        return value;
    }

    private static bool TryInt(IQueryCollection query, string key, int absent, out int value)
    {
        if (Value(query, key, filters: null) is not { } raw)
        {
            value = absent;
            return true;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    // PA/PB and the message sid the page continues from: the shape of the spec example's PageToken (PAMM…, the sid
    // of the page's last message).
    [GeneratedRegex("^P([AB])((?:SM|MM)[0-9a-fA-F]{32})$")]
    private static partial Regex PageToken();
}
