using System.Globalization;
using System.Text.Json;
using Outbound.Activities;
using Outbound.Events;
using Outbound.Sending;
using Outbound.Triggers;

namespace Outbound.Grains.Events;

/// <summary>Runs a trigger on an event: its filter, then its contact mapping, then its delay.</summary>
public static class TriggerRun
{
    public const int MaxContextValueLength = 1_024;

    public static TriggerOutcome Run(Guid triggerId, Trigger trigger, IncomingEvent e, JsonElement? data, DateTimeOffset now)
    {
        var outcome = new TriggerOutcome { TriggerId = triggerId, ConfigurationId = trigger.ConfigurationId };
        if (!trigger.Matches(data))
        {
            outcome.Status = EventTriggerStatus.Skipped;
            outcome.Reason = "The trigger's filter does not match the event's data.";
            return outcome;
        }

        var (contact, problem) = Contact(trigger.Contact, data);
        if (contact is null)
        {
            outcome.Status = EventTriggerStatus.Invalid;
            outcome.Reason = problem;
            return outcome;
        }

        outcome.Status = EventTriggerStatus.Pending;
        outcome.Contact = contact;
        if (trigger.Delay is { } delay)
        {
            // From the event's own time, but never from the future: a sender's clock ahead of ours must not stretch the wait.
            var from = e.Time is { } at && at < now ? at : now;
            outcome.NotBefore = from + delay;
        }

        return outcome;
    }

    /// <summary>The contact the mapping finds in <paramref name="data"/>, or why there is none (naming the field).</summary>
    public static (SendContact? Contact, string? Problem) Contact(ContactMapping mapping, JsonElement? data)
    {
        if (Find(data, mapping.ToContactId) is not { ValueKind: JsonValueKind.String } to)
        {
            return (null, $"contact.tocontactid: no string at '{mapping.ToContactId}' in the event's data.");
        }

        var optIn = true;
        if (mapping.OptIn is { } optInPointer)
        {
            if (Find(data, optInPointer) is not { ValueKind: JsonValueKind.True or JsonValueKind.False } given)
            {
                return (null, $"contact.optin: no boolean at '{optInPointer}' in the event's data.");
            }

            optIn = given.GetBoolean();
        }

        string? locale = null;
        if (mapping.Locale is { } localePointer && Find(data, localePointer) is { } localeValue)
        {
            if (localeValue.ValueKind != JsonValueKind.String)
            {
                return (null, $"contact.locale: the value at '{localePointer}' is not a string.");
            }

            locale = localeValue.GetString();
        }

        var items = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (slug, pointer) in mapping.ContextItems)
        {
            if (Find(data, pointer) is not { } value || value.ValueKind == JsonValueKind.Null)
            {
                // A slug the data lacks renders as the template renders any missing slug.
                continue;
            }

            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };
            if (text is null)
            {
                return (null, $"contact.contextitems.{slug}: the value at '{pointer}' is not a string, number or boolean.");
            }

            if (text.Length > MaxContextValueLength)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"contact.contextitems.{slug}: the value at '{pointer}' is longer than {MaxContextValueLength} characters."));
            }

            items[slug] = text;
        }

        string? regarding = null;
        if (mapping.EntityRelationshipName is { } regardingPointer && Find(data, regardingPointer) is { } regardingValue)
        {
            if (regardingValue.ValueKind != JsonValueKind.String)
            {
                return (null, $"contact.entityrelationshipname: the value at '{regardingPointer}' is not a string.");
            }

            regarding = regardingValue.GetString();
            if (TimelineKeys.RegardingProblem(regarding!) is { } problem)
            {
                return (null, $"contact.entityrelationshipname: {problem}");
            }
        }

        return (new SendContact(to.GetString()!, optIn, locale, items.ToImmutable(), regarding), null);
    }

    private static JsonElement? Find(JsonElement? data, string pointer) =>
        data is { } root && JsonPointer.TryResolve(root, pointer, out var value) ? value : null;
}
