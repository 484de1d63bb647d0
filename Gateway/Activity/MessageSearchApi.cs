using System.ComponentModel;
using System.Globalization;
using Outbound.Activities;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Contacts;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Sending;
using Outbound.Sending;

namespace Outbound.Gateway.Activity;

/// <summary>A message as a search lists it: enough for a row; <c>GET /v1/messages/{messageId}</c> has the rest.</summary>
/// <param name="ConfigurationId">The outbound configuration that sent it; absent for a direct message (an agent's reply, an auto-reply).</param>
/// <param name="Status">The current status.</param>
/// <param name="UpdatedAt">When the status last changed.</param>
/// <param name="ChannelType">The channel type that carried it (<c>sms</c>, <c>whatsapp</c>).</param>
/// <param name="ErrorCode">The provider's code when it failed.</param>
public sealed record MessageSummaryResponse(
    string MessageId, string ToContactId, Guid? ConfigurationId, string Status, DateTimeOffset AcceptedAt, DateTimeOffset UpdatedAt,
    string? ChannelType = null, string? ErrorCode = null)
{
    public static MessageSummaryResponse From(MessageView m) => new(
        m.MessageId, m.To, m.ConfigurationId == Guid.Empty ? null : m.ConfigurationId, MessageResponse.Wire(m.Status), m.AcceptedAt, m.UpdatedAt,
        m.Activity is { } a ? WireNames.Of(a.ChannelType) : null, m.ErrorCode);
}

/// <param name="Items">Newest first.</param>
/// <param name="NextCursor">
/// Pass as <c>cursor</c> (with the same filters) for the next page; absent when nothing more matches. A page reads a
/// bounded part of the index, so it may hold fewer than <c>pageSize</c> items, even none, while this is present.
/// </param>
public sealed record MessageSearchResponse(IReadOnlyList<MessageSummaryResponse> Items, string? NextCursor);

/// <summary><c>GET /v1/messages</c>: the org's messages, searched by number, status, configuration and time.</summary>
public static class MessageSearchApi
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    /// <summary>The widest window: the activity records' retention, with a margin.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(92);

    /// <summary>The window without <c>from</c>: the last week.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    private static readonly Dictionary<string, MessageStatus> Statuses = Enum.GetValues<MessageStatus>()
        .Where(s => s != MessageStatus.Received)
        .ToDictionary(MessageResponse.Wire, StringComparer.Ordinal);

    public static RouteGroupBuilder MapMessageSearch(this RouteGroupBuilder org)
    {
        org.MapGet("/messages", async (
            [Description("Optional: only messages to this E.164 number. Found through the customer's timeline index: messages of configurations that show in the timeline, and direct messages (replies); a configuration that does not show in the timeline is not indexed by number.")] string? number,
            [Description("Optional: only messages whose current status is this one (accepted, scheduled, sending, sent, delivered, undelivered, failed, read, unknown).")] string? status,
            [Description("Optional: only messages of this outbound configuration (a GUID).")] string? configurationId,
            [Description("Optional: messages accepted at or after this ISO 8601 instant; default: a week before until.")] string? from,
            [Description("Optional: messages accepted before this ISO 8601 instant; default: now. The window spans at most 92 days.")] string? until,
            [Description("Optional: items per page, 1 to 100; default 25.")] int? pageSize,
            [Description("Optional: nextCursor from the previous page, with the same filters.")] string? cursor,
            HttpContext http, IGrainFactory grains, TimeProvider time) =>
        {
            var errors = new FieldErrors();
            if (Parse(number, status, configurationId, from, until, pageSize, cursor, time, errors) is not { } search)
            {
                return errors.ToProblem();
            }

            var page = await grains.GetGrain<IActivityQueryGrain>(http.OrgId()).SearchMessagesAsync(search);
            return Results.Ok(new MessageSearchResponse(
                [.. page.Items.Select(MessageSummaryResponse.From)],
                page.NextCursor is { } next ? PageCursors.Encode(next) : null));
        })
        .WithTags("Activity")
        .WithName("SearchMessages")
        .WithSummary("Search the org's messages")
        .WithDescription("Messages accepted in a time window (at most 92 days; default the last week), newest first, a page at a time, optionally by number, current status and configuration. Each page reads a bounded part of the activity index, whatever the org's size: follow nextCursor while it is present, even past a short or empty page. By number, only the customer's timeline index is read, so only messages of configurations that show in the timeline (and replies) are found.")
        .Produces<MessageSearchResponse>()
        .ProducesValidationProblem();
        return org;
    }

    /// <summary>The search, or null with the reasons in <paramref name="errors"/>.</summary>
    private static MessageSearch? Parse(
        string? number, string? status, string? configurationId, string? from, string? until, int? pageSize, string? cursor, TimeProvider time, FieldErrors errors)
    {
        if (number is not null && !ContactsApi.E164().IsMatch(number))
        {
            errors.Add("number", "number is an E.164 phone number such as +14155550100.");
        }

        MessageStatus? wanted = status is null ? null : errors.Choice(status, "status", Statuses);

        Guid? configuration = null;
        if (configurationId is not null)
        {
            if (Guid.TryParse(configurationId, out var id))
            {
                configuration = id;
            }
            else
            {
                errors.Add("configurationId", "configurationId is an outbound configuration's id (a GUID).");
            }
        }

        var end = time.GetUtcNow();
        if (until is not null && !TryParseTime(until, out end))
        {
            errors.Add("until", "until is an ISO 8601 date and time with an offset, such as 2026-11-29T00:00:00Z.");
            end = time.GetUtcNow();
        }

        var start = end - DefaultWindow;
        if (from is not null && !TryParseTime(from, out start))
        {
            errors.Add("from", "from is an ISO 8601 date and time with an offset, such as 2026-11-28T00:00:00Z.");
        }

        if (!errors.Any && start >= end)
        {
            errors.Add("from", "from is before until.");
        }
        else if (!errors.Any && end - start > MaxWindow)
        {
            errors.Add("from", $"The window from from to until spans at most {MaxWindow.TotalDays} days (the activity records' retention).");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize is between 1 and {MaxPageSize}.");
        }

        string? position = null;
        if (cursor is not null
            && (!PageCursors.TryDecode(cursor, out position, maxLength: 1024)
                || !(number is null
                    ? MessageSearchCursor.TryParseBatches(position!, out _, out _, out _, out _)
                    : MessageSearchCursor.TryParseNumber(position!, out _))))
        {
            errors.Add("cursor", "cursor is not one this search returned: pass nextCursor from the previous page unchanged, with the same filters.");
        }

        return errors.Any ? null : new MessageSearch(number, wanted, configuration, start, end, pageSize ?? DefaultPageSize, position);
    }

    private static bool TryParseTime(string value, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
}
