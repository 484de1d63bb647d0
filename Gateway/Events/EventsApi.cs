using System.Globalization;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Net.Http.Headers;
using Outbound.Events;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Events;

/// <summary>
/// A CloudEvent (CloudEvents 1.0, JSON format). <c>specversion</c>, <c>id</c>, <c>source</c> and <c>type</c> are
/// required; <c>data</c> is JSON that triggers read with JSON Pointers. Extension attributes are allowed and ignored.
/// </summary>
/// <param name="Id">Unique per <c>source</c>: the same source and id again is a repeat, taken once.</param>
/// <param name="Time">RFC 3339; a trigger's delay counts from it (or from arrival, if it is absent or in the future).</param>
public sealed record CloudEventBody(
    string Specversion, string Id, string Source, string Type, DateTimeOffset? Time, string? Datacontenttype, JsonElement? Data);

/// <summary>What became of each event of the request, in order.</summary>
public sealed record EventsAcceptedResponse(IReadOnlyList<EventAcceptedResponse> Results);

/// <param name="Status"><c>accepted</c> (new, stored) or <c>duplicate</c> (the source sent this id before: nothing changes).</param>
public sealed record EventAcceptedResponse(string Id, string Source, string Status);

/// <summary>An event and what each trigger of its type did with it.</summary>
/// <param name="ReceivedAt">When it was accepted.</param>
public sealed record EventResponse(
    string Id, string Source, string Type, DateTimeOffset? Time, DateTimeOffset ReceivedAt, IReadOnlyList<EventTriggerResponse> Triggers);

/// <param name="Status">
/// <c>skipped</c> (the filter did not match), <c>waiting</c> (for the delay, until <c>notBefore</c>), <c>queued</c>
/// (being batched into a send request), <c>sent</c> (accepted by the send path: follow <c>messageId</c>),
/// <c>skipped_no_optin</c>, <c>skipped_opted_out</c>, or <c>invalid</c> (see <c>reason</c>: the contact the pointers
/// found, or the send path's verdict on it).
/// </param>
public sealed record EventTriggerResponse(
    Guid TriggerId, Guid ConfigurationId, string Status, string? MessageId, string? Reason, DateTimeOffset? NotBefore);

public static class EventsApi
{
    public const int MaxEvents = 1_000;
    public const int MaxIdLength = 256;
    public const int MaxSourceLength = 1_024;
    public const int MaxTypeLength = 256;
    public const int MaxDataBytes = 32 * 1024;

    private const string SingleMediaType = "application/cloudevents+json";
    private const string BatchMediaType = "application/cloudevents-batch+json";

    private static readonly JsonEventFormatter Formatter = new();
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = Program.MaxJsonDepth * 2 };
    private static readonly string[] Attributes = ["specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", "subject", "data", "data_base64"];

    /// <summary><c>/v1/events</c>: integrators post their systems' events; triggers decide what they send.</summary>
    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder send)
    {
        send.MapPost("/events", AcceptAsync)
            .WithTags("Events")
            .WithName("PostEvents")
            .WithSummary("Post events")
            .WithDescription("Takes one CloudEvent (application/cloudevents+json) or a batch of up to 1,000 (application/cloudevents-batch+json, a JSON array). "
                + "The events are stored before the 202; each then runs through the org's triggers for its type, which send through the send path in batches. "
                + "An event whose source and id were seen before is a duplicate and changes nothing.")
            // One schema for both media types: a batch is a JSON array of these.
            .Accepts<CloudEventBody>(SingleMediaType, BatchMediaType, "application/json")
            .WithBodyLimit(BodyLimits.Events)
            .Produces<EventsAcceptedResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        send.MapGet("/events/{eventId}", GetAsync)
            .WithTags("Events")
            .WithName("GetEvent")
            .WithSummary("Get what became of an event")
            .WithDescription("The event with this id and what each trigger of its type did with it. When several sources sent the id, source picks one. Recent events are kept: each of the org's event logs keeps its last 1,000.")
            .Produces<EventResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return send;
    }

    private static async Task<IResult> AcceptAsync(HttpContext http, IGrainFactory grains)
    {
        var batch = false;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            || !(type.MediaType.Equals(SingleMediaType, StringComparison.OrdinalIgnoreCase)
                || (batch = type.MediaType.Equals(BatchMediaType, StringComparison.OrdinalIgnoreCase))
                || type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return Problem.Validation(StatusCodes.Status415UnsupportedMediaType, BadRequestExceptionHandler.ContentTypeField,
                $"Events are {SingleMediaType} (one event) or {BatchMediaType} (a JSON array of events).");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, DocumentOptions, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problem.Validation("body", $"The body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            // Plain application/json: an array is a batch, an object one event.
            batch |= type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && root.ValueKind == JsonValueKind.Array;
            if (batch && root.ValueKind != JsonValueKind.Array)
            {
                return Problem.Validation("body", $"A {BatchMediaType} body is a JSON array of events.");
            }

            if (batch && root.GetArrayLength() is 0 or > MaxEvents)
            {
                return Problem.Validation("events", $"A batch holds 1 to {MaxEvents} events.");
            }

            var errors = new FieldErrors();
            var elements = batch ? root.EnumerateArray().ToArray() : [root];
            var events = new IncomingEvent[elements.Length];
            for (var i = 0; i < elements.Length; i++)
            {
                events[i] = Read(elements[i], batch ? $"events[{i}]." : "", errors)!;
            }

            if (errors.Any)
            {
                return errors.ToProblem();
            }

            var orgId = http.OrgId();
            var byLog = events.Select((e, i) => (Event: e, Index: i)).GroupBy(e => EventKeys.PartitionOf(e.Event.Id)).ToArray();
            var answers = await Task.WhenAll(byLog.Select(g =>
                grains.GetGrain<IEventLogGrain>(EventKeys.Log(orgId, g.Key)).AppendAsync([.. g.Select(e => e.Event)])));
            if (answers.Any(a => a.Busy))
            {
                // Logs that were not busy took their events: a repeat of the whole request finds those as duplicates.
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: Problem.BusyTitle,
                    detail: "The org has as many event messages waiting as it may hold. Repeat the request after the Retry-After delay: events already taken are duplicates then.");
            }

            var status = new string[events.Length];
            for (var g = 0; g < byLog.Length; g++)
            {
                var members = byLog[g].ToArray();
                for (var m = 0; m < members.Length; m++)
                {
                    status[members[m].Index] = answers[g].New[m] ? "accepted" : "duplicate";
                }
            }

            return Results.Json(
                new EventsAcceptedResponse([.. events.Select((e, i) => new EventAcceptedResponse(e.Id, e.Source, status[i]))]),
                statusCode: StatusCodes.Status202Accepted);
        }
    }

    /// <summary>The event in <paramref name="element"/>, or null with errors named <c>{prefix}{attribute}</c>.</summary>
    private static IncomingEvent? Read(JsonElement element, string prefix, FieldErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "An event is a JSON object with specversion, id, source and type.");
            return null;
        }

        var specVersion = Attribute(element, "specversion", 16, prefix, errors);
        if (specVersion is not null && specVersion != "1.0")
        {
            errors.Add($"{prefix}specversion", "specversion is \"1.0\".");
        }

        var id = Attribute(element, "id", MaxIdLength, prefix, errors);
        var source = Attribute(element, "source", MaxSourceLength, prefix, errors);
        var type = Attribute(element, "type", MaxTypeLength, prefix, errors);
        if (element.TryGetProperty("data_base64", out _))
        {
            errors.Add($"{prefix}data_base64", "Event data is JSON (data); binary data cannot be read by triggers.");
        }

        JsonElement? data = element.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d : null;
        if (data is { } given && given.GetRawText().Length > MaxDataBytes)
        {
            errors.Add($"{prefix}data", $"An event's data is at most {MaxDataBytes} bytes of JSON.");
        }

        // Once anything is wrong the request is refused: the SDK's finer checks wait for a body without those errors.
        if (errors.Any)
        {
            return null;
        }

        CloudEvent decoded;
        try
        {
            // The SDK checks the rest of the format: time as RFC 3339, source as a URI reference, attribute types.
            decoded = Formatter.ConvertFromJsonElement(element, null);
        }
        catch (ArgumentException e)
        {
            var named = Attributes.FirstOrDefault(a => e.Message.Contains($"'{a}'", StringComparison.Ordinal));
            errors.Add($"{prefix}{named ?? "event"}", $"Not a valid CloudEvent: {e.Message}");
            return null;
        }

        return new IncomingEvent(id!, source!, type!, decoded.Time, data?.GetRawText());
    }

    private static string? Attribute(JsonElement element, string name, int maxLength, string prefix, FieldErrors errors)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            errors.Add($"{prefix}{name}", $"{name} is required: a non-empty string.");
            return null;
        }

        if (text.Length > maxLength || text.Any(char.IsControl))
        {
            errors.Add($"{prefix}{name}", string.Create(CultureInfo.InvariantCulture, $"{name} is at most {maxLength} characters, with no control characters."));
            return null;
        }

        return text;
    }

    private static async Task<IResult> GetAsync(string eventId, string? source, HttpContext http, IGrainFactory grains)
    {
        if (eventId.Length > MaxIdLength)
        {
            return Problem.Validation("eventId", $"An event id is at most {MaxIdLength} characters.");
        }

        if (source is { Length: > MaxSourceLength })
        {
            return Problem.Validation("source", $"source is at most {MaxSourceLength} characters.");
        }

        var found = await grains.GetGrain<IEventLogGrain>(EventKeys.Log(http.OrgId(), EventKeys.PartitionOf(eventId))).GetAsync(eventId);
        var matching = source is null ? found : [.. found.Where(e => e.Source == source)];
        return matching.Length switch
        {
            0 => Problem.NotFound($"No event '{eventId}' is kept."),
            1 => Results.Ok(ToResponse(matching[0])),
            _ => Problem.Conflict($"Several sources sent an event '{eventId}': name one with the source query parameter ({string.Join(", ", matching.Select(e => e.Source))})."),
        };
    }

    private static EventResponse ToResponse(EventView e) => new(
        e.Id, e.Source, e.Type, e.Time, e.ReceivedAt,
        [.. e.Triggers.Select(t => new EventTriggerResponse(t.TriggerId, t.ConfigurationId, Wire(t), t.MessageId, t.Reason, t.NotBefore))]);

    private static string Wire(TriggerOutcomeView t) => t.Status switch
    {
        EventTriggerStatus.Skipped => "skipped",
        EventTriggerStatus.Pending => t.NotBefore is null ? "queued" : "waiting",
        EventTriggerStatus.Sent => "sent",
        EventTriggerStatus.SkippedNoOptIn => "skipped_no_optin",
        EventTriggerStatus.SkippedOptedOut => "skipped_opted_out",
        _ => "invalid",
    };
}
