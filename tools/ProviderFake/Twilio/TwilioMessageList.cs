using System.Globalization;

namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// The Messages list (<c>GET …/Messages.json</c>): the messages that pass a <see cref="MessageListQuery"/>, in
/// Twilio's order, one page at a time.
/// </summary>
/// <remarks>
/// Order: Twilio documents the list as "most recent first"; we read that as newest <c>date_sent</c> first, with the
/// messages not sent yet (no <c>date_sent</c>) before all of them, newest created first, and ties broken by sid.
/// Paging is by cursor, like Twilio's PageToken (<c>PA</c> + the sid of the page's last message): a message sent
/// while a client pages sorts before the cursor, so it does not shift the pages still to come.
/// </remarks>
public static class TwilioMessageList
{
    public static MessageListPage Read(TwilioMessageStore store, string accountSid, MessageListQuery query, DateTimeOffset now, string path)
    {
        // By recipient when the query names one: the cost is that recipient's messages, not the store's.
        var candidates = query.To is { } to ? store.SentTo(accountSid, to) : store.OfAccount(accountSid);
        var list = candidates
            .Where(m => query.Matches(m, now))
            .Select(m => new Entry(m, m.SentAt(now)))
            .ToList();
        list.Sort(Compare);

        var (from, count) = Window(list, query, store, accountSid, now);
        var page = list.GetRange(from, count);
        var hasNext = from + count < list.Count;
        var hasPrevious = from > 0 && count > 0;
        var start = query.Page * query.PageSize;
        return new MessageListPage(
            End: Math.Max(start, start + count - 1),
            FirstPageUri: Uri(path, query, 0, cursor: null),
            NextPageUri: hasNext ? Uri(path, query, query.Page + 1, new PageCursor(After: true, page[^1].Message.Sid)) : null,
            Page: query.Page,
            PageSize: query.PageSize,
            PreviousPageUri: hasPrevious ? Uri(path, query, Math.Max(0, query.Page - 1), new PageCursor(After: false, page[0].Message.Sid)) : null,
            Start: start,
            Uri: Uri(path, query, query.Page, query.Cursor),
            Messages: [.. page.Select(e => e.Message.ToResource(now))]);
    }

    /// <summary>The page's range in the sorted <paramref name="list"/>: after or before the cursor's message, as it sorts now.</summary>
    private static (int From, int Count) Window(List<Entry> list, MessageListQuery query, TwilioMessageStore store, string accountSid, DateTimeOffset now)
    {
        // The cursor's message need not pass the filters (any more): only its place in the order matters. The endpoint
        // has refused a token naming no message of the account.
        if (query.Cursor is not { } cursor || store.Find(accountSid, cursor.Sid) is not { } at)
        {
            return (0, Math.Min(query.PageSize, list.Count));
        }

        var mark = new Entry(at, at.SentAt(now));
        if (cursor.After)
        {
            var from = list.FindIndex(e => Compare(e, mark) > 0);
            from = from < 0 ? list.Count : from;
            return (from, Math.Min(query.PageSize, list.Count - from));
        }

        var end = list.FindIndex(e => Compare(e, mark) >= 0);
        end = end < 0 ? list.Count : end;
        var start = Math.Max(0, end - query.PageSize);
        return (start, end - start);
    }

    private static int Compare(Entry a, Entry b)
    {
        // Not sent yet first, newest created first among them; then newest sent first; then by sid.
        if (a.SentAt is null != b.SentAt is null)
        {
            return a.SentAt is null ? -1 : 1;
        }

        var byTime = (b.SentAt ?? b.Message.DateCreated).CompareTo(a.SentAt ?? a.Message.DateCreated);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Message.Sid, b.Message.Sid);
    }

    private static string Uri(string path, MessageListQuery query, int page, PageCursor? cursor)
    {
        var parameters = new List<KeyValuePair<string, string?>>(query.Filters.Count + 3);
        parameters.AddRange(query.Filters.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value)));
        parameters.Add(KeyValuePair.Create("PageSize", (string?)query.PageSize.ToString(CultureInfo.InvariantCulture)));
        parameters.Add(KeyValuePair.Create("Page", (string?)page.ToString(CultureInfo.InvariantCulture)));
        if (cursor is not null)
        {
            parameters.Add(KeyValuePair.Create("PageToken", (string?)cursor.ToString()));
        }

        return path + QueryString.Create(parameters);
    }

    private sealed record Entry(TwilioMessage Message, DateTimeOffset? SentAt);
}
