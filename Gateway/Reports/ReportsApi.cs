using System.ComponentModel;
using System.Globalization;
using System.Text;
using Outbound.Activities;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Sending;
using Outbound.Sending;

namespace Outbound.Gateway.Reports;

/// <summary>Messages per status; <c>total</c> is their sum.</summary>
/// <param name="Scheduled">Accepted during quiet hours and held until they end (not final).</param>
public sealed record StatusCountsResponse(
    int Total, int Accepted, int Sending, int Sent, int Delivered, int Undelivered, int Failed, int Read, int Unknown, int Scheduled = 0)
{
    public static StatusCountsResponse From(StatusCounts c) =>
        new(c.Total, c.Accepted, c.Sending, c.Sent, c.Delivered, c.Undelivered, c.Failed, c.Read, c.Unknown, c.Scheduled);
}

/// <param name="Start">The interval's first instant, UTC.</param>
public sealed record ReportBucketResponse(DateTimeOffset Start, StatusCountsResponse Counts);

/// <param name="Buckets">Intervals with messages, oldest first; a message counts in the interval its request was accepted in, with its current status.</param>
/// <param name="CampaignId">Set when the report counts only the messages this campaign sent.</param>
public sealed record OutboundReportResponse(
    Guid? ConfigurationId, DateTimeOffset From, DateTimeOffset To, string Interval,
    IReadOnlyList<ReportBucketResponse> Buckets, StatusCountsResponse Totals, Guid? CampaignId = null);

/// <summary>What was sent and what became of it, per interval or per recipient.</summary>
public static class ReportsApi
{
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxHourlyRange = TimeSpan.FromDays(31);
    public static readonly TimeSpan MaxDailyRange = TimeSpan.FromDays(92);
    public const int DefaultRecipientsLimit = 1_000;
    public const int MaxRecipientsLimit = 10_000;

    private const string CampaignIdDescription = "Optional: a campaign's id (a GUID); only the messages that campaign sent are counted or listed.";

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder org)
    {
        var reports = org.MapGroup("/reports/outbound").WithTags("Reports");

        reports.MapGet("", async (string? configurationId, [Description(CampaignIdDescription)] string? campaignId, string? from, string? to, string? interval,
            HttpContext http, IGrainFactory grains, TimeProvider time) =>
        {
            var errors = new FieldErrors();
            if (Parse(configurationId, campaignId, from, to, interval, time, errors) is not { } query)
            {
                return errors.ToProblem();
            }

            var report = await grains.GetGrain<IActivityQueryGrain>(http.OrgId()).GetReportAsync(query);
            return Results.Ok(new OutboundReportResponse(
                query.ConfigurationId, query.From, query.To, query.Interval == ReportInterval.Day ? "day" : "hour",
                [.. report.Buckets.Select(b => new ReportBucketResponse(b.Start, StatusCountsResponse.From(b.Counts)))],
                StatusCountsResponse.From(report.Totals), query.CampaignId));
        })
        .WithName("GetOutboundReport")
        .WithSummary("Count messages per interval and status")
        .WithDescription("Messages accepted between from and to (ISO 8601 instants; default: the last day), counted per hour or day and per current status; with campaignId, only the messages that campaign sent.")
        .Produces<OutboundReportResponse>()
        .ProducesValidationProblem();

        reports.MapGet("/recipients", async (string? configurationId, [Description(CampaignIdDescription)] string? campaignId, string? from, string? to, int? limit, string? cursor,
            HttpContext http, IGrainFactory grains, TimeProvider time) =>
        {
            var errors = new FieldErrors();
            var query = Parse(configurationId, campaignId, from, to, null, time, errors);
            if (limit is < 1 or > MaxRecipientsLimit)
            {
                errors.Add("limit", $"limit is between 1 and {MaxRecipientsLimit} rows.");
            }

            string? position = null;
            if (cursor is not null && !PageCursors.TryDecode(cursor, out position, maxLength: 512))
            {
                errors.Add("cursor", "cursor is not one this API returned: pass the cursor of the Link header's next URL unchanged.");
            }

            if (query is null || errors.Any)
            {
                return errors.ToProblem();
            }

            // A page is read whole before it is written: its size is bounded, and the next page's link is a header.
            var page = await grains.GetGrain<IActivityQueryGrain>(http.OrgId()).GetRecipientsAsync(query, position, limit ?? DefaultRecipientsLimit);
            if (page.NextCursor is { } next)
            {
                http.Response.Headers.Link = $"<{NextPageUrl(http.Request, PageCursors.Encode(next))}>; rel=\"next\"";
            }

            return Results.Stream(output => WriteCsvAsync(page, output, http.RequestAborted), "text/csv; charset=utf-8");
        })
        .WithName("ListOutboundRecipients")
        .WithSummary("List the recipients as CSV")
        .WithDescription("One CSV row per message accepted between from and to, with its recipient and status; with campaignId, only the messages that campaign sent. The Link header's next URL gives the next page.")
        .Produces<string>(contentType: "text/csv")
        .ProducesValidationProblem();
        return org;
    }

    private static async Task WriteCsvAsync(RecipientsPage page, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteLineAsync("messageId,tocontactid,status,errorCode,providerMessageId,acceptedAt,sentAt,finalAt,updatedAt");
        foreach (var m in page.Messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sent = m.History.FirstOrDefault(h => h.Status == MessageStatus.Sent)?.At;
            var final = MessageStatusRules.IsFinal(m.Status) ? m.History.LastOrDefault(h => h.Status == m.Status)?.At : null;
            await writer.WriteLineAsync(string.Join(',',
                CsvCell.Text(m.MessageId), CsvCell.PhoneNumber(m.To), MessageResponse.Wire(m.Status), CsvCell.Text(m.ErrorCode), CsvCell.Text(m.ProviderMessageId),
                Time(m.AcceptedAt), Time(sent), Time(final), Time(m.UpdatedAt)));
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The same request with the next page's cursor: every other parameter kept as the caller sent it.</summary>
    private static string NextPageUrl(HttpRequest request, string cursor)
    {
        var query = request.Query
            .Where(p => !p.Key.Equals("cursor", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
            .Append(KeyValuePair.Create("cursor", (string?)cursor));
        return request.PathBase + request.Path + QueryString.Create(query);
    }



    /// <summary>The query, or null with the reasons in <paramref name="errors"/>; without from/to, the last day.</summary>
    private static ReportQuery? Parse(string? configurationId, string? campaignId, string? from, string? to, string? interval, TimeProvider time, FieldErrors errors)
    {
        var valid = true;
        void Error(string field, string message)
        {
            valid = false;
            errors.Add(field, message);
        }

        Guid? configuration = null;
        if (configurationId is not null)
        {
            if (Guid.TryParse(configurationId, out var id))
            {
                configuration = id;
            }
            else
            {
                Error("configurationId", "configurationId is an outbound configuration's id (a GUID).");
            }
        }

        Guid? campaign = null;
        if (campaignId is not null)
        {
            if (Guid.TryParse(campaignId, out var id))
            {
                campaign = id;
            }
            else
            {
                Error("campaignId", "campaignId is a campaign's id (a GUID).");
            }
        }

        var reportInterval = ReportInterval.Hour;
        if (interval is not null && !TryParseInterval(interval, out reportInterval))
        {
            Error("interval", "interval is hour or day.");
        }

        var end = time.GetUtcNow();
        if (to is not null && !TryParseTime(to, out end))
        {
            Error("to", "to is an ISO 8601 date and time with an offset, such as 2026-11-29T00:00:00Z.");
            // The default from is a day before to, which must then be a time that has a day before it.
            end = time.GetUtcNow();
        }

        var start = end - DefaultRange;
        if (from is not null && !TryParseTime(from, out start))
        {
            Error("from", "from is an ISO 8601 date and time with an offset, such as 2026-11-28T00:00:00Z.");
        }

        if (valid && start >= end)
        {
            Error("from", "from is before to.");
        }

        var maxRange = reportInterval == ReportInterval.Day ? MaxDailyRange : MaxHourlyRange;
        if (valid && end - start > maxRange)
        {
            Error("to", $"An {(reportInterval == ReportInterval.Day ? "daily" : "hourly")} report spans at most {maxRange.TotalDays} days.");
        }

        return valid ? new ReportQuery(configuration, start, end, reportInterval) { CampaignId = campaign } : null;
    }

    private static bool TryParseInterval(string value, out ReportInterval interval)
    {
        interval = value.ToLowerInvariant() switch { "hour" => ReportInterval.Hour, "day" => ReportInterval.Day, _ => (ReportInterval)(-1) };
        return interval is ReportInterval.Hour or ReportInterval.Day;
    }

    private static bool TryParseTime(string value, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? "";
}
