using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Cluster;
using Outbound.Gateway.Orgs;
using Outbound.Gateway.Problems;
using Outbound.Activities;
using Outbound.Gateway.Templates;
using Outbound.Sending;

namespace Outbound.Gateway.Sending;

/// <summary>A send request: the seed's contact list.</summary>
public sealed record SendBody([property: Required] List<ContactBody?>? Contacts);

/// <summary>One contact, with the seed's field names.</summary>
/// <param name="ConfigurationId">
/// Optional (<c>msdyn_ocoutboundconfigurationid</c>): the configuration the contact is sent with, as the reference's
/// contact list names it; when given, it must be the configuration in the path.
/// </param>
public sealed record ContactBody(
    [property: JsonPropertyName("tocontactid"), Required] string? ToContactId,
    [property: JsonPropertyName("optin"), Required] bool? OptIn,
    [property: JsonPropertyName("locale")] string? Locale,
    [property: JsonPropertyName("contextitems")] Dictionary<string, string?>? ContextItems,
    [property: JsonPropertyName("entityrelationshipname")] string? EntityRelationshipName,
    [property: JsonPropertyName(ContactBody.ConfigurationIdName)] Guid? ConfigurationId = null)
{
    public const string ConfigurationIdName = "msdyn_ocoutboundconfigurationid";

    /// <summary>
    /// Any other property is a slug value given beside the contact's fields, as the reference's contact list writes
    /// it (<c>"CustomerName": "Ana"</c>): a string, merged with <c>contextitems</c>.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? SlugValues { get; init; }
}

/// <param name="Status"><c>accepted</c>, <c>skipped_no_optin</c>, <c>skipped_opted_out</c> or <c>invalid</c>.</param>
public sealed record ContactResultResponse(string? MessageId, string Status, string? Reason)
{
    /// <summary>Accepted but held for quiet hours (the message is <c>scheduled</c>): not sent before this; null when it goes at once.</summary>
    public DateTimeOffset? NotBefore { get; init; }
}

/// <summary>One result per contact, in the order of the request.</summary>
public sealed record SendResponse(IReadOnlyList<ContactResultResponse> Results);

/// <summary>An outbound message's activity record: what was sent, to whom, about what, and its status history.</summary>
/// <param name="Status">
/// <c>accepted</c>, <c>scheduled</c> (accepted during quiet hours, held until <c>notBefore</c>), <c>sending</c>,
/// <c>sent</c>, <c>delivered</c>, <c>undelivered</c>, <c>failed</c>, <c>read</c> or <c>unknown</c>.
/// </param>
/// <param name="EntityRelationshipName">What the message is regarding (the request's <c>entityrelationshipname</c>).</param>
/// <param name="Body">SMS: the rendered text.</param>
/// <param name="ContentSid">WhatsApp: the content template, filled with <paramref name="ContentVariables"/>.</param>
/// <param name="ChannelId">The channel that carried the message: the configuration's, or its fallback channel.</param>
/// <param name="ViaFallback">The configuration's fallback channel carried it, because its own channel was down.</param>
/// <param name="Ambiguous">
/// It was sent again while an earlier attempt's outcome was unknown and the provider could not settle it: the
/// customer may have received it twice.
/// </param>
/// <param name="Direction">
/// <c>outbound</c>: sent by the org; <c>inbound</c>: a customer's message in a conversation (timelines only).
/// </param>
/// <param name="ConversationId">The conversation the message belongs to: a customer's message, or a reply in it.</param>
/// <param name="Purpose">
/// Why a message was sent without an outbound configuration: <c>reply</c> (an agent's answer in a conversation),
/// <c>auto_reply</c> (the org's answer to a keyword such as HELP) or <c>opt_out_confirmation</c> (the confirmation of
/// an opt-out keyword, the one message an opted-out customer still gets). Absent for a configuration's messages.
/// </param>
/// <param name="NotBefore">
/// Set when the message was accepted during quiet hours: when they end in every time zone of the recipient, the
/// earliest moment it goes out (its history shows <c>scheduled</c> until then). Absent when it could go at once.
/// </param>
public sealed record MessageResponse(
    string MessageId, Guid ConfigurationId, string ToContactId, string Status, int Attempts, string Provider, string? ProviderMessageId,
    string? ErrorCode, string? ErrorMessage, bool Ambiguous, DateTimeOffset AcceptedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<StatusChangeResponse> History,
    Guid? TemplateId = null, Guid? ChannelId = null, string? ChannelType = null, string? Locale = null,
    [property: JsonPropertyName("entityrelationshipname")] string? EntityRelationshipName = null,
    string? Body = null, string? ContentSid = null, IReadOnlyDictionary<string, string>? ContentVariables = null, bool? ShowInTimeline = null,
    bool? ViaFallback = null, string Direction = "outbound", Guid? ConversationId = null, string? Purpose = null,
    DateTimeOffset? NotBefore = null)
{
    public static MessageResponse From(MessageView m) => new(
        m.MessageId, m.ConfigurationId, m.To, Wire(m.Status), m.Attempts, WireNames.Of(m.Provider), m.ProviderMessageId,
        m.ErrorCode, m.ErrorMessage, m.Ambiguous, m.AcceptedAt, m.UpdatedAt,
        [.. m.History.Select(h => new StatusChangeResponse(Wire(h.Status), h.At, h.ErrorCode))],
        m.Activity?.TemplateId, m.Activity?.ChannelId, m.Activity is { } a ? WireNames.Of(a.ChannelType) : null, m.Activity?.Locale,
        m.Activity?.RegardingEntity, m.Activity?.Body, m.Activity?.ContentSid, m.Activity?.ContentVariables, m.Activity?.ShowInTimeline,
        m.Activity?.ViaFallback, Wire(m.Direction), m.ConversationId, m.Purpose is { } purpose ? Wire(purpose) : null, m.NotBefore);

    /// <summary>A status as the API names it.</summary>
    public static string Wire(MessageStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A direction as the API names it.</summary>
    public static string Wire(MessageDirection direction) => direction == MessageDirection.Inbound ? "inbound" : "outbound";

    /// <summary>A direct message's purpose as the API names it.</summary>
    public static string Wire(DirectPurpose purpose) => purpose switch
    {
        DirectPurpose.AutoReply => "auto_reply",
        DirectPurpose.OptOutConfirmation => "opt_out_confirmation",
        _ => "reply",
    };
}

public sealed record StatusChangeResponse(string Status, DateTimeOffset At, string? ErrorCode);

public static class SendApi
{
    public const int MaxBodyBytes = BodyLimits.Send;
    public const int MaxContextItems = 50;
    public const int MaxContextValueLength = 1_024;
    public const int MaxIdempotencyKeyLength = 255;
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    // The backlog drains by thousands of messages a second: a second is long enough for room to appear.
    private const int BusyRetryAfterSeconds = 1;

    public static RouteGroupBuilder MapSending(this RouteGroupBuilder org)
    {
        org.MapPost("/outbound-configurations/{configurationId:guid}/send", SendAsync)
            .WithTags("Sending")
            .WithName("SendMessages")
            .WithSummary("Send messages to a contact list")
            .WithDescription("Accepts one message per contact through the configuration's channel and template, and answers at once with each contact's result; delivery goes on in the background (follow it with GetMessage). Contacts without opt-in, or opted out, are skipped. Each accepted request counts against the org's hourly quota.")
            // Bounded before it is read: a contact list is at most a few dozen KiB.
            .WithBodyLimit(MaxBodyBytes)
            .Produces<SendResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        org.MapGet("/messages/{messageId}", async (string messageId, HttpContext http, IGrainFactory grains) =>
            MessageIds.TryParse(messageId, out var batchId, out var index)
            && await grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(http.OrgId(), batchId)).GetMessageAsync(index) is { } m
                ? Results.Ok(MessageResponse.From(m))
                : Problem.NotFound($"No message '{messageId}' exists."))
            .WithTags("Sending")
            .WithName("GetMessage")
            .WithSummary("Get a message's status")
            .WithDescription("A sent message: what was sent, to whom, its status and the history of its statuses.")
            .Produces<MessageResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return org;
    }

    private static async Task<IResult> SendAsync(Guid configurationId, SendBody body, HttpContext http, IGrainFactory grains, TimeProvider time)
    {
        var errors = new FieldErrors();
        var contacts = ToContacts(body, configurationId, errors);
        var idempotencyKey = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (idempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            errors.Add(IdempotencyKeyHeader, $"{IdempotencyKeyHeader} is at most {MaxIdempotencyKeyLength} characters.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var orgId = http.OrgId();
        var request = new SendRequest(configurationId, contacts);
        var batchId = idempotencyKey.Length > 0 ? BatchIdFor(orgId, idempotencyKey) : Guid.CreateVersion7(time.GetUtcNow());
        // The batch accepts a request at most once (it is keyed by it): handed again when a silo left mid-call.
        var batch = grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, batchId));
        var hash = Hash(request);
        var receipt = await SiloDepartures.CallAsync(() => batch.AcceptAsync(request, hash), idempotent: true, time, r => r.Status == ReceiptStatus.Unavailable);

        if (receipt.Quota is { } quota)
        {
            var reset = Math.Max(0, (int)Math.Ceiling((quota.ResetAt - time.GetUtcNow()).TotalSeconds));
            http.Response.Headers["RateLimit-Limit"] = quota.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["RateLimit-Remaining"] = quota.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["RateLimit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!quota.Allowed)
            {
                http.Response.Headers.RetryAfter = reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (receipt.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return receipt.Status switch
        {
            ReceiptStatus.Accepted => Results.Json(
                new SendResponse([.. receipt.Results.Select(r => new ContactResultResponse(r.MessageId, Wire(r.Status), r.Reason) { NotBefore = r.NotBefore })]),
                statusCode: StatusCodes.Status202Accepted),
            ReceiptStatus.ConfigurationNotFound => Problem.NotFound($"No outbound configuration '{configurationId}' exists."),
            ReceiptStatus.ConfigurationInactive => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The outbound configuration is inactive.",
                detail: $"Outbound configuration '{configurationId}' is inactive: it takes no send requests until it is made active again. Nothing was accepted."),
            ReceiptStatus.TooManyContacts => Problem.Validation("contacts", $"A request carries at most {receipt.MaxContacts} contacts for this org."),
            ReceiptStatus.TooLarge => Problem.Validation("contacts", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The request's rendered messages would take about {receipt.StoredBytes:N0} bytes of storage, more than the {SendReceipt.MaxStoredBytes:N0} one request may hold. Nothing was accepted; send the contacts in smaller requests.")),
            ReceiptStatus.Busy => Busy(http),
            ReceiptStatus.Unavailable => Unavailable(http),
            ReceiptStatus.OrgDisabled => TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The org is disabled.",
                detail: "The operator has disabled this org: send requests are refused until it is enabled again. Nothing was accepted."),
            ReceiptStatus.IdempotencyKeyReused => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The Idempotency-Key was used for a different request.",
                detail: $"{IdempotencyKeyHeader} '{idempotencyKey}' was already used with another body or configuration; use a new key for a new request."),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "The org's hourly send quota is used up.",
                detail: $"At most {receipt.Quota?.Limit} send requests per hour (UTC clock hour); the count starts again at {receipt.Quota?.ResetAt:u}. Nothing was accepted."),
        };
    }

    /// <summary>Admission control refused the request: nothing was stored, so repeating it is always safe.</summary>
    private static IResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = BusyRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: Problem.BusyTitle,
            detail: $"The org's messages waiting for delivery have reached its share of what the service accepts at once. Nothing was accepted; repeat the request after {BusyRetryAfterSeconds} s (Retry-After).");
    }

    /// <summary>Storage failed mid-request: it may or may not have been stored, which a repeat with the same key settles.</summary>
    private static IResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = OverloadExceptionHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: Problem.BusyTitle,
            detail: "Storage did not answer in time; the request may or may not have been accepted. Repeat it with the same Idempotency-Key after the Retry-After delay: it is accepted at most once.");
    }

    private static ImmutableArray<SendContact> ToContacts(SendBody body, Guid configurationId, FieldErrors errors) =>
        ToContacts(body.Contacts, configurationId, errors);

    /// <summary>
    /// The send API's contact list, checked as a send request checks it (errors name <c>contacts[i].field</c>): for
    /// every feature that sends to contacts it was given, so they all accept the same contacts.
    /// </summary>
    public static ImmutableArray<SendContact> ToContacts(IReadOnlyList<ContactBody?>? given, Guid configurationId, FieldErrors errors)
    {
        if (given is not { Count: > 0 } list)
        {
            errors.Add("contacts", "contacts is a list of 1 or more contacts.");
            return [];
        }

        if (list.Count > OrgsApi.MaxContactsPerRequestCeiling)
        {
            errors.Add("contacts", $"A request carries at most {OrgsApi.MaxContactsPerRequestCeiling} contacts.");
            return [];
        }

        var contacts = ImmutableArray.CreateBuilder<SendContact>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"contacts[{i}]";
            if (list[i] is not { } c)
            {
                errors.Add(field, NotAnObject);
                continue;
            }

            contacts.Add(ToContact(c, field, configurationId, errors));
        }

        return contacts.ToImmutable();
    }

    /// <summary>What a contact that is not a JSON object is told.</summary>
    public const string NotAnObject = "A contact is an object: { tocontactid, optin, locale, contextitems, entityrelationshipname, and slug values }.";

    /// <summary>
    /// One contact, checked as a send request checks each of its contacts: errors name <c>{field}.optin</c> and so
    /// on, or <c>optin</c> when <paramref name="field"/> is empty (an audience row, which is one contact).
    /// </summary>
    public static SendContact ToContact(ContactBody c, string field, Guid configurationId, FieldErrors errors)
    {
        var at = field.Length == 0 ? "" : field + ".";
        if (c.OptIn is null)
        {
            errors.Add($"{at}optin", "optin is required: true or false.");
        }

        if (c.ConfigurationId is { } named && named != configurationId)
        {
            errors.Add($"{at}{ContactBody.ConfigurationIdName}",
                $"{ContactBody.ConfigurationIdName} is the configuration the request is sent to ('{configurationId}'), or left out.");
        }

        var items = c.ContextItems ?? [];
        var besides = c.SlugValues ?? [];
        var values = ContextItems.Merge(ContextItems.Read(items, $"{at}contextitems", errors), besides, field, errors);
        // Counted once merged: a slug given both ways, with one value, is one value.
        if (values.Count > MaxContextItems || items.Count > MaxContextItems)
        {
            errors.Add($"{at}contextitems", $"A contact holds at most {MaxContextItems} slug values, in contextitems and beside it.");
        }

        foreach (var (key, value) in items.Where(item => item.Value?.Length > MaxContextValueLength))
        {
            errors.Add($"{at}contextitems.{key}", $"A context value is at most {MaxContextValueLength} characters.");
        }

        foreach (var (key, value) in besides.Where(item => item.Value.ValueKind == JsonValueKind.String && item.Value.GetString()!.Length > MaxContextValueLength))
        {
            errors.Add($"{at}{key}", $"A slug value is at most {MaxContextValueLength} characters.");
        }

        if (c.EntityRelationshipName is { } regarding && TimelineKeys.RegardingProblem(regarding) is { } problem)
        {
            errors.Add($"{at}entityrelationshipname", problem);
        }

        return new SendContact(
            c.ToContactId ?? "",
            c.OptIn ?? false,
            c.Locale,
            values,
            c.EntityRelationshipName);
    }

    /// <summary>The same key of the same org always names the same batch, so a repeat finds the original.</summary>
    private static Guid BatchIdFor(Guid orgId, string idempotencyKey) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{orgId:N}:{idempotencyKey}")).AsSpan(0, 16));

    /// <summary>What must match for a repeat to be the same request: the configuration and every contact field.</summary>
    private static string Hash(SendRequest request)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new
        {
            request.ConfigurationId,
            Contacts = request.Contacts.Select(c => new { c.To, c.OptIn, c.Locale, Items = c.ContextItems.OrderBy(i => i.Key, StringComparer.Ordinal), c.EntityRelationshipName }),
        });
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    private static string Wire(ContactStatus status) => status switch
    {
        ContactStatus.Accepted => "accepted",
        ContactStatus.SkippedNoOptIn => "skipped_no_optin",
        ContactStatus.SkippedOptedOut => "skipped_opted_out",
        _ => "invalid",
    };
}
