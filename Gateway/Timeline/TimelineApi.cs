using Outbound.Activities;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Contacts;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Sending;

namespace Outbound.Gateway.Timeline;

/// <param name="Items">Newest first: the messages of configurations with <c>showInTimeline</c> on.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; absent on the last page.</param>
public sealed record TimelineResponse(IReadOnlyList<MessageResponse> Items, string? NextCursor);

/// <summary>What agents see of a customer: the messages sent to a number, or regarding an entity.</summary>
public static class TimelineApi
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxRegardingLength = 256;

    public static RouteGroupBuilder MapTimeline(this RouteGroupBuilder org)
    {
        org.MapGet("/contacts/{tocontactid}/timeline", (string tocontactid, int? pageSize, string? cursor, HttpContext http, IGrainFactory grains) =>
            QueryAsync(TimelineKind.Contact, "tocontactid", tocontactid, pageSize, cursor, http, grains))
            .WithTags("Timeline")
            .WithName("GetContactTimeline")
            .WithSummary("List the messages sent to a number")
            .WithDescription("The customer's timeline: messages of configurations that show in the timeline, newest first, a page at a time.")
            .Produces<TimelineResponse>()
            .ProducesValidationProblem();

        org.MapGet("/timeline", (string? regarding, int? pageSize, string? cursor, HttpContext http, IGrainFactory grains) =>
            QueryAsync(TimelineKind.Regarding, "regarding", regarding, pageSize, cursor, http, grains))
            .WithTags("Timeline")
            .WithName("GetRegardingTimeline")
            .WithSummary("List the messages regarding an entity")
            .WithDescription("Messages sent with this entityrelationshipname (a case, say), newest first, a page at a time.")
            .Produces<TimelineResponse>()
            .ProducesValidationProblem();
        return org;
    }

    private static async Task<IResult> QueryAsync(
        TimelineKind kind, string keyField, string? key, int? pageSize, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (kind == TimelineKind.Contact && (key is null || !ContactsApi.E164().IsMatch(key)))
        {
            errors.Add(keyField, "tocontactid is an E.164 phone number such as +14155550100.");
        }
        else if (kind == TimelineKind.Regarding && (string.IsNullOrWhiteSpace(key) || key.Length > MaxRegardingLength))
        {
            errors.Add(keyField, $"regarding is required: the entityrelationshipname the messages were sent with (at most {MaxRegardingLength} characters).");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize is between 1 and {MaxPageSize}.");
        }

        string? position = null;
        if (cursor is not null && !PageCursors.TryDecode(cursor, out position))
        {
            errors.Add("cursor", "cursor is not one this API returned: pass nextCursor from the previous page unchanged.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var page = await grains.GetGrain<IActivityQueryGrain>(http.OrgId())
            .GetTimelineAsync(new TimelineQuery(kind, key!, pageSize ?? DefaultPageSize, position));
        return Results.Ok(new TimelineResponse([.. page.Items.Select(MessageResponse.From)], page.NextCursor is { } next ? PageCursors.Encode(next) : null));
    }


}
