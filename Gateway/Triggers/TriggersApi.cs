using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Triggers;

namespace Outbound.Gateway.Triggers;

/// <summary>A trigger: each event of <c>eventType</c> whose data passes <c>filter</c> sends one message through the configuration.</summary>
/// <param name="EventType">The CloudEvents <c>type</c> it runs on, for example <c>case.created</c>.</param>
/// <param name="ConfigurationId">The outbound configuration (channel and template) the message is sent with.</param>
/// <param name="Filter">Optional: conditions on the event's <c>data</c>, all of which must hold (at most 20).</param>
/// <param name="Contact">Where in the event's <c>data</c> the contact's fields are.</param>
/// <param name="Delay">Optional ISO 8601 duration (for example <c>PT30M</c>): the message waits until the event's time plus this long (at most 30 days).</param>
public sealed record TriggerRequest(
    [property: Required] string? Name,
    [property: Required] string? EventType,
    [property: Required] Guid? ConfigurationId,
    IReadOnlyList<TriggerConditionBody?>? Filter,
    [property: Required] TriggerContactBody? Contact,
    string? Delay);

/// <summary>
/// A condition on the event's <c>data</c>: the value at the JSON Pointer <c>path</c> (RFC 6901, for example
/// <c>/customer/phone</c>) equals <c>equals</c> (a string, number or boolean), or exists (<c>exists: true</c>) or
/// does not (<c>exists: false</c>). Give exactly one of <c>equals</c> and <c>exists</c>.
/// </summary>
public sealed record TriggerConditionBody([property: Required] string? Path, [property: JsonPropertyName("equals")] JsonElement? EqualTo, bool? Exists);

/// <summary>
/// JSON Pointers (RFC 6901) into the event's <c>data</c> for each field of the contact, as the send API names them.
/// </summary>
/// <param name="ToContactId">Required: the customer's phone number (E.164) in the data.</param>
/// <param name="OptIn">Optional: a boolean in the data. Left out, every customer the event names counts as opted in (the org's own notice); opted-out customers are skipped either way.</param>
/// <param name="Locale">Optional: the customer's language in the data.</param>
/// <param name="ContextItems">Optional: slug name → pointer to a string, number or boolean (at most 50).</param>
/// <param name="EntityRelationshipName">Optional: what the message is regarding, in the data.</param>
public sealed record TriggerContactBody(
    [property: JsonPropertyName("tocontactid"), Required] string? ToContactId,
    [property: JsonPropertyName("optin")] string? OptIn,
    [property: JsonPropertyName("locale")] string? Locale,
    [property: JsonPropertyName("contextitems")] Dictionary<string, string?>? ContextItems,
    [property: JsonPropertyName("entityrelationshipname")] string? EntityRelationshipName);

/// <summary>A trigger as stored.</summary>
/// <param name="Delay">The ISO 8601 duration the message waits after the event; absent when it is sent at once.</param>
public sealed record TriggerResponse(
    Guid Id, string Name, string EventType, Guid ConfigurationId, IReadOnlyList<TriggerConditionBody> Filter, TriggerContactBody Contact,
    string? Delay, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class TriggersApi
{
    private static readonly CatalogKindApi<Trigger, TriggerRequest, TriggerResponse> Api =
        new(CatalogKind.Trigger, "triggerId", "trigger", ToTrigger, ToResponse);

    /// <summary><c>/v1/triggers</c>: an admin says which events send which message to whom.</summary>
    public static RouteGroupBuilder MapTriggers(this RouteGroupBuilder admin) =>
        admin.MapGroup("/triggers").WithTags("Triggers").MapCatalog<ITriggerGrain, Trigger, TriggerRequest, TriggerResponse>(Api);

    private static Trigger? ToTrigger(TriggerRequest request, FieldErrors errors)
    {
        Text(request.Name, "name", Trigger.MaxNameLength, errors);
        Text(request.EventType, "eventType", Trigger.MaxEventTypeLength, errors);
        if (request.ConfigurationId is null)
        {
            errors.Add("configurationId", "configurationId is required.");
        }

        var filter = Filter(request.Filter, errors);
        var contact = Contact(request.Contact, errors);
        TimeSpan? delay = null;
        if (request.Delay is { } text)
        {
            try
            {
                delay = XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
            }
            catch (OverflowException)
            {
            }

            if (delay is not { } d || d <= TimeSpan.Zero || d > Trigger.MaxDelay)
            {
                errors.Add("delay", "delay is an ISO 8601 duration (for example PT30M) longer than zero and at most 30 days.");
            }
        }

        return errors.Any || contact is null
            ? null
            : new Trigger(request.Name!, request.EventType!, request.ConfigurationId!.Value, filter, contact, delay);
    }

    private static void Text(string? value, string field, int maxLength, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength || value.Any(char.IsControl))
        {
            errors.Add(field, $"{field} is required: 1 to {maxLength} characters, no control characters.");
        }
    }

    private static ImmutableArray<TriggerCondition> Filter(IReadOnlyList<TriggerConditionBody?>? filter, FieldErrors errors)
    {
        if (filter is null)
        {
            return [];
        }

        if (filter.Count > Trigger.MaxConditions)
        {
            errors.Add("filter", $"filter holds at most {Trigger.MaxConditions} conditions.");
            return [];
        }

        var conditions = ImmutableArray.CreateBuilder<TriggerCondition>(filter.Count);
        for (var i = 0; i < filter.Count; i++)
        {
            var field = $"filter[{i}]";
            if (filter[i] is not { } c)
            {
                errors.Add(field, "A condition is an object: { path, equals } or { path, exists }.");
                continue;
            }

            Pointer(c.Path, $"{field}.path", errors, required: true);
            if ((c.EqualTo is null) == (c.Exists is null))
            {
                errors.Add(field, "A condition gives exactly one of equals (a value) and exists (true or false).");
                continue;
            }

            if (c.EqualTo is { } value)
            {
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    || value.GetRawText().Length > Trigger.MaxEqualsLength)
                {
                    errors.Add($"{field}.equals", $"equals is a string, number or boolean of at most {Trigger.MaxEqualsLength} characters.");
                    continue;
                }
            }

            conditions.Add(new TriggerCondition(c.Path ?? "", c.EqualTo?.GetRawText(), c.Exists));
        }

        return conditions.ToImmutable();
    }

    private static ContactMapping? Contact(TriggerContactBody? contact, FieldErrors errors)
    {
        if (contact is null)
        {
            errors.Add("contact", "contact is required: { tocontactid, optin, locale, contextitems, entityrelationshipname } as JSON Pointers into the event's data.");
            return null;
        }

        Pointer(contact.ToContactId, "contact.tocontactid", errors, required: true);
        Pointer(contact.OptIn, "contact.optin", errors, required: false);
        Pointer(contact.Locale, "contact.locale", errors, required: false);
        Pointer(contact.EntityRelationshipName, "contact.entityrelationshipname", errors, required: false);
        var items = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        if (contact.ContextItems is { } given)
        {
            if (given.Count > ContactMapping.MaxContextItems)
            {
                errors.Add("contact.contextitems", $"contextitems maps at most {ContactMapping.MaxContextItems} slugs.");
            }

            foreach (var (slug, pointer) in given)
            {
                var field = $"contact.contextitems.{slug}";
                if (slug.Length is 0 or > 100 || slug.Any(char.IsControl))
                {
                    errors.Add("contact.contextitems", "A slug name is 1 to 100 characters, no control characters.");
                }
                else if (items.ContainsKey(slug))
                {
                    errors.Add(field, $"contextitems names '{slug}' twice, in different case; slug names are not case-sensitive.");
                }
                else if (Pointer(pointer, field, errors, required: true))
                {
                    items[slug] = pointer!;
                }
            }
        }

        return errors.Any
            ? null
            : new ContactMapping(contact.ToContactId!, contact.OptIn, contact.Locale, items.ToImmutable(), contact.EntityRelationshipName);
    }

    private static bool Pointer(string? pointer, string field, FieldErrors errors, bool required)
    {
        if (pointer is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required: a JSON Pointer into the event's data, such as \"/customer/phone\".");
            }

            return !required;
        }

        var problem = pointer.Length > Trigger.MaxPointerLength
            ? $"A JSON Pointer here is at most {Trigger.MaxPointerLength} characters."
            : JsonPointer.Problem(pointer);
        if (problem is not null)
        {
            errors.Add(field, problem);
            return false;
        }

        return true;
    }

    private static TriggerResponse ToResponse(StoredItem<Trigger> stored)
    {
        var t = stored.Item;
        return new TriggerResponse(
            stored.Id, t.Name, t.EventType, t.ConfigurationId,
            [.. t.Filter.Select(c => new TriggerConditionBody(
                c.Path, c.EqualsJson is null ? null : JsonSerializer.Deserialize<JsonElement>(c.EqualsJson), c.Exists))],
            new TriggerContactBody(t.Contact.ToContactId, t.Contact.OptIn, t.Contact.Locale, t.Contact.ContextItems.ToDictionary(i => i.Key, i => (string?)i.Value), t.Contact.EntityRelationshipName),
            t.Delay is { } delay ? XmlConvert.ToString(delay) : null,
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }
}
