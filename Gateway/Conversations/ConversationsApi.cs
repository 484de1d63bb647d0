using System.Security.Claims;
using System.Text.Json.Serialization;
using Outbound.Conversations;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Sending;

namespace Outbound.Gateway.Conversations;

/// <summary>A customer message, an agent's reply or an event (assigned, transferred, requeued, closed) of a conversation.</summary>
/// <param name="Kind"><c>inbound</c> (the customer), <c>agent</c> (a reply) or <c>event</c>.</param>
/// <param name="Text">The message's text; for an event, what happened.</param>
/// <param name="MessageId">A reply: the outbound message carrying it (follow its status with GetMessage).</param>
/// <param name="ProviderMessageId">A customer message: the provider's id.</param>
/// <param name="AgentId">A reply: who sent it (absent for an admin); an event: the agent it concerns.</param>
public sealed record TranscriptEntryResponse(
    int Sequence, string Kind, DateTimeOffset At, string? Text, string? ContentSid, IReadOnlyDictionary<string, string>? ContentVariables,
    string? MessageId, string? ProviderMessageId, Guid? AgentId)
{
    public static TranscriptEntryResponse From(TranscriptEntry e) => new(
        e.Sequence, Wire(e.Kind), e.At, e.Text, e.ContentSid, e.ContentVariables, e.MessageId, e.ProviderMessageId, e.AgentId);

    private static string Wire(TranscriptEntryKind kind) => kind switch
    {
        TranscriptEntryKind.Inbound => "inbound",
        TranscriptEntryKind.Agent => "agent",
        _ => "event",
    };
}

/// <summary>The outbound message a conversation answers: the last one sent to the customer on that channel within 7 days.</summary>
/// <param name="EntityRelationshipName">What it was regarding (a case, say): what the customer is replying about.</param>
/// <param name="Body">SMS: what it said.</param>
/// <param name="ContentSid">WhatsApp: the content template it used.</param>
public sealed record LinkedOutboundResponse(
    string MessageId, Guid ConfigurationId,
    [property: JsonPropertyName("entityrelationshipname")] string? EntityRelationshipName,
    DateTimeOffset SentAt, string? Body, string? ContentSid)
{
    public static LinkedOutboundResponse? From(LinkedOutbound? l) =>
        l is null ? null : new(l.MessageId, l.ConfigurationId, l.RegardingEntity, l.SentAt, l.Body, l.ContentSid);
}

/// <summary>A conversation with a customer on one channel.</summary>
/// <param name="Status"><c>waiting</c> (in its queue), <c>assigned</c> or <c>closed</c>.</param>
/// <param name="Customer">The customer's number, E.164.</param>
/// <param name="Answers">The outbound message it answers; absent when the customer wrote first.</param>
/// <param name="ReplyWindowEndsAt">
/// WhatsApp: until when a free-form reply may be sent (24 hours after the customer's last message); after it only a
/// template (<c>contentSid</c>). Absent for SMS, which has no window.
/// </param>
public sealed record ConversationResponse(
    Guid ConversationId, string Customer, string? ProfileName, Guid ChannelId, string ChannelType, string Status, Guid? QueueId, Guid? AgentId,
    LinkedOutboundResponse? Answers, DateTimeOffset OpenedAt, DateTimeOffset? LastInboundAt, DateTimeOffset? ReplyWindowEndsAt, DateTimeOffset? ClosedAt,
    IReadOnlyList<TranscriptEntryResponse> Transcript)
{
    public static ConversationResponse From(ConversationView c) => new(
        c.ConversationId, c.Customer, c.ProfileName, c.ChannelId, WireNames.Of(c.ChannelType), ConversationsApi.Wire(c.Status), c.QueueId, c.AgentId,
        LinkedOutboundResponse.From(c.Answers), c.OpenedAt, c.LastInboundAt,
        c.ChannelType == Outbound.Catalog.ChannelType.WhatsApp ? c.LastInboundAt + ConversationsApi.WhatsAppWindow : null,
        c.ClosedAt, [.. c.Transcript.Select(TranscriptEntryResponse.From)]);
}

/// <summary>A conversation in a list, without its transcript.</summary>
public sealed record ConversationSummaryResponse(
    Guid ConversationId, string Customer, Guid ChannelId, string Status, Guid? QueueId, Guid? AgentId, DateTimeOffset OpenedAt, DateTimeOffset LastMessageAt);

/// <summary>A page of conversations, newest first.</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; absent on the last page.</param>
public sealed record ConversationListResponse(IReadOnlyList<ConversationSummaryResponse> Items, string? NextCursor);

/// <summary>A reply to the customer: <c>text</c>, or a WhatsApp template (<c>contentSid</c> with <c>contentVariables</c>).</summary>
/// <param name="Text">1–1,600 characters, sent as written.</param>
/// <param name="ContentSid">WhatsApp: a Twilio content template (<c>HX…</c>), the only kind of reply outside the 24-hour window.</param>
/// <param name="ContentVariables">The template's variables, e.g. <c>{"1": "Ana"}</c>.</param>
public sealed record ReplyRequest(string? Text, string? ContentSid, Dictionary<string, string>? ContentVariables);

/// <summary>The reply was accepted by the send path: follow its delivery with GetMessage.</summary>
public sealed record ReplyResponse(string MessageId);

/// <summary>Where the conversation goes: <c>agentId</c> (an agent of its queue) or <c>queueId</c>, exactly one.</summary>
public sealed record TransferRequest(Guid? AgentId, Guid? QueueId);

/// <summary>
/// The conversations API: agents (with an <c>agent</c> key, which names them) read, answer, transfer and close the
/// conversations assigned to them; admin keys reach every conversation of the org.
/// </summary>
public static class ConversationsApi
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxTextLength = 1_600;
    public const string AgentIdClaim = "agent_id";
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapConversations(this RouteGroupBuilder agentOrAdmin, RouteGroupBuilder admin)
    {
        admin.MapGet("/conversations", ListAsync)
            .WithTags("Conversations")
            .WithName("ListConversations")
            .WithSummary("List the org's conversations")
            .WithDescription("Every conversation of the org, newest first, a page at a time; optionally only those in one status. Admin keys only.")
            .Produces<ConversationListResponse>()
            .ProducesValidationProblem();

        var one = agentOrAdmin.MapGroup("/conversations/{conversationId:guid}").WithTags("Conversations");
        one.MapGet("", async (Guid conversationId, HttpContext http, IGrainFactory grains) =>
        {
            var view = await Grain(http, grains, conversationId).GetAsync();
            return view is null || (Actor(http).AgentId is { } agent && view.AgentId != agent)
                ? NotFound(conversationId, http)
                : Results.Ok(ConversationResponse.From(view));
        })
        .WithName("GetConversation")
        .WithSummary("Get a conversation")
        .WithDescription("The transcript, the outbound message it answers, its status and agent. An agent sees the conversations assigned to them.")
        .Produces<ConversationResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        one.MapPost("/messages", ReplyAsync)
            .WithName("ReplyToConversation")
            .WithSummary("Reply to the customer")
            .WithDescription("Sends the reply through the conversation's channel, tracked like every message. WhatsApp allows free-form text only within 24 hours of the customer's last message; after that a template (contentSid) is required (409). An Idempotency-Key makes a retry send nothing more.")
            .Produces<ReplyResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        one.MapPost("/transfer", async (Guid conversationId, TransferRequest request, HttpContext http, IGrainFactory grains) =>
        {
            if ((request.AgentId is null) == (request.QueueId is null))
            {
                return Problem.Validation("agentId", "Give agentId (an agent of the conversation's queue) or queueId, exactly one.");
            }

            var change = await Grain(http, grains, conversationId).TransferAsync(Actor(http), new TransferTarget(request.AgentId, request.QueueId));
            return Changed(change, conversationId, http, request.AgentId is null ? "queueId" : "agentId");
        })
        .WithName("TransferConversation")
        .WithSummary("Transfer a conversation")
        .WithDescription("To another agent of its queue (who must be available with free capacity), or to another queue, where it waits for an agent.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

        one.MapPost("/close", async (Guid conversationId, HttpContext http, IGrainFactory grains) =>
            Changed(await Grain(http, grains, conversationId).CloseAsync(Actor(http)), conversationId, http, null))
            .WithName("CloseConversation")
            .WithSummary("Close a conversation")
            .WithDescription("The agent's slot frees; the customer's next message opens a new conversation.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return agentOrAdmin;
    }

    public static string Wire(ConversationStatus status) => status switch
    {
        ConversationStatus.Waiting => "waiting",
        ConversationStatus.Assigned => "assigned",
        _ => "closed",
    };

    private static readonly IReadOnlyDictionary<string, ConversationStatus> Statuses = new Dictionary<string, ConversationStatus>(StringComparer.Ordinal)
    {
        ["waiting"] = ConversationStatus.Waiting,
        ["assigned"] = ConversationStatus.Assigned,
        ["closed"] = ConversationStatus.Closed,
    };

    private static async Task<IResult> ListAsync(string? status, int? pageSize, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var wanted = status is null ? null : errors.Choice(status, "status", Statuses);
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize is between 1 and {MaxPageSize}.");
        }

        string? position = null;
        if (cursor is not null && !PageCursors.TryDecode(cursor, out position, maxLength: 512))
        {
            errors.Add("cursor", "cursor is not one this API returned: pass nextCursor from the previous page unchanged.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var page = await grains.GetGrain<IConversationListGrain>(http.OrgId()).ListAsync(wanted, position, pageSize ?? DefaultPageSize);
        return Results.Ok(new ConversationListResponse(
            [.. page.Items.Select(c => new ConversationSummaryResponse(c.ConversationId, c.Customer, c.ChannelId, Wire(c.Status), c.QueueId, c.AgentId, c.OpenedAt, c.LastMessageAt))],
            page.NextCursor is { } next ? PageCursors.Encode(next) : null));
    }

    private static async Task<IResult> ReplyAsync(Guid conversationId, ReplyRequest request, HttpContext http, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var idempotencyKey = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if ((request.Text is null) == (request.ContentSid is null))
        {
            errors.Add("text", "Give text, or a WhatsApp template's contentSid (with contentVariables), exactly one.");
        }
        else if (request.Text is { } text && (text.Trim().Length == 0 || text.Length > MaxTextLength))
        {
            errors.Add("text", $"text is 1 to {MaxTextLength} characters.");
        }

        if (request.ContentVariables is not null && request.ContentSid is null)
        {
            errors.Add("contentVariables", "contentVariables go with a contentSid.");
        }

        if (idempotencyKey.Length > 255)
        {
            errors.Add(IdempotencyKeyHeader, $"{IdempotencyKeyHeader} is at most 255 characters.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var reply = new AgentReply(
            Actor(http), request.Text, request.ContentSid, request.ContentVariables?.ToImmutableDictionary(), idempotencyKey.Length > 0 ? idempotencyKey : null);
        var result = await Grain(http, grains, conversationId).ReplyAsync(reply);
        return result.Outcome switch
        {
            ReplyOutcome.Sent => Results.Json(new ReplyResponse(result.MessageId!), statusCode: StatusCodes.Status202Accepted),
            ReplyOutcome.NotFound or ReplyOutcome.NotYours => NotFound(conversationId, http),
            ReplyOutcome.Closed => Problem.Conflict($"Conversation '{conversationId}' is closed: nothing was sent."),
            ReplyOutcome.OutsideWindow => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Outside the WhatsApp 24-hour window: a template (contentSid) is required.",
                detail: "The customer's last message is more than 24 hours old, so WhatsApp allows only an approved template: send contentSid (with contentVariables) instead of text. Nothing was sent."),
            ReplyOutcome.OptedOut => Problem.Conflict("The customer opted out of messages from this org: nothing was sent."),
            ReplyOutcome.Invalid => Problem.Validation(FieldOf(result.Reason), result.Reason ?? "The reply is not valid."),
            _ => Refused(result.Receipt!, http),
        };
    }

    /// <summary>The send path refused the reply as it refuses a send request; nothing was sent.</summary>
    private static IResult Refused(SendReceipt receipt, HttpContext http)
    {
        switch (receipt.Status)
        {
            case ReceiptStatus.QuotaExceeded:
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "The org's hourly send quota is used up.",
                    detail: $"A reply counts as a send request; the count starts again at {receipt.Quota?.ResetAt:u}. Nothing was sent.");
            case ReceiptStatus.OrgDisabled:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The org is disabled.", detail: "Nothing was sent.");
            case ReceiptStatus.Busy or ReceiptStatus.Unavailable:
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: Problem.BusyTitle,
                    detail: "The reply was not accepted; repeat it with the same Idempotency-Key after the Retry-After delay: it is sent at most once.");
            case ReceiptStatus.IdempotencyKeyReused:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The Idempotency-Key was used for a different reply.",
                    detail: "Use a new key for a new reply.");
            default:
                return Problem.Conflict($"The conversation's channel cannot send now ({receipt.Status}): nothing was sent.");
        }
    }

    private static IResult Changed(ConversationChange change, Guid conversationId, HttpContext http, string? targetField) => change.Outcome switch
    {
        ChangeOutcome.Done => Results.NoContent(),
        ChangeOutcome.NotFound or ChangeOutcome.NotYours => NotFound(conversationId, http),
        ChangeOutcome.Closed => Problem.Conflict($"Conversation '{conversationId}' is closed."),
        _ => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The transfer's target cannot take the conversation.",
            detail: change.Reason,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [targetField ?? "agentId"] = [change.Reason ?? "unavailable"] } }),
    };

    private static IResult NotFound(Guid conversationId, HttpContext http) => Problem.NotFound(Actor(http).AgentId is null
        ? $"No conversation '{conversationId}' exists."
        : $"No conversation '{conversationId}' is assigned to you.");

    /// <summary>The field a grain's reason names (it starts with it).</summary>
    private static string FieldOf(string? reason) => reason?.IndexOf(':') is > 0 and var at ? reason[..at] : "text";

    /// <summary>An agent key's agent; an admin key acts as the admin. An agent key that names no agent is nobody's.</summary>
    private static ConversationActor Actor(HttpContext http) =>
        http.User.FindFirstValue(AgentIdClaim) is { } id && Guid.TryParse(id, out var agentId) ? new ConversationActor(agentId)
        : http.User.FindFirstValue(ApiKeyAuthenticationHandler.ScopeClaim) == Scopes.Name(Outbound.Orgs.ApiKeyScope.Admin) ? ConversationActor.Admin
        : new ConversationActor(Guid.Empty);

    private static IConversationGrain Grain(HttpContext http, IGrainFactory grains, Guid conversationId) =>
        grains.GetGrain<IConversationGrain>(ConversationKeys.Conversation(http.OrgId(), conversationId));


}
