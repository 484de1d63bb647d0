using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Outbound.Contacts;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Problems;

namespace Outbound.Gateway.Contacts;

/// <param name="OptedOut">True: the customer gets no more messages from this org until opted in again.</param>
public sealed record ConsentRequest([property: Required] bool? OptedOut);

/// <param name="Source">Who changed it last: <c>provider:21610</c> (the customer replied STOP), <c>api</c>.</param>
public sealed record ConsentResponse(string ToContactId, bool OptedOut, string? Source, DateTimeOffset? ChangedAt);

public static partial class ContactsApi
{
    public static RouteGroupBuilder MapContacts(this RouteGroupBuilder org)
    {
        var contacts = org.MapGroup("/contacts/{tocontactid}").WithTags("Contacts");

        contacts.MapGet("/consent", async (string tocontactid, HttpContext http, IGrainFactory grains) =>
            !E164().IsMatch(tocontactid)
                ? Problem.Validation("tocontactid", "tocontactid is an E.164 phone number such as +14155550100.")
                : Results.Ok(ToResponse(await grains.GetGrain<IContactGrain>(ContactKeys.Contact(http.OrgId(), tocontactid)).GetConsentAsync())))
            .WithName("GetConsent")
            .WithSummary("Get a customer's consent")
            .WithDescription("Whether the number has opted out of the org's messages, and who changed it last.")
            .Produces<ConsentResponse>()
            .ProducesValidationProblem();

        contacts.MapPut("/consent", async (string tocontactid, ConsentRequest request, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            if (!E164().IsMatch(tocontactid))
            {
                errors.Add("tocontactid", "tocontactid is an E.164 phone number such as +14155550100.");
            }

            if (request.OptedOut is null)
            {
                errors.Add("optedOut", "optedOut is required: true or false.");
            }

            if (errors.Any)
            {
                return errors.ToProblem();
            }

            var contact = grains.GetGrain<IContactGrain>(ContactKeys.Contact(http.OrgId(), tocontactid));
            await (request.OptedOut!.Value ? contact.OptOutAsync("api") : contact.OptInAsync("api"));
            return Results.Ok(ToResponse(await contact.GetConsentAsync()));
        })
        .WithName("SetConsent")
        .WithSummary("Opt a customer out or in")
        .WithDescription("Records that the number opted out of the org's messages (optedOut: true) or in again (false).")
        .Produces<ConsentResponse>()
        .ProducesValidationProblem();
        return org;
    }

    private static ConsentResponse ToResponse(ConsentRecord consent) => new(consent.To, consent.OptedOut, consent.Source, consent.ChangedAt);

    // The shape of a number, enough to keep grain keys clean; whether it is a real number matters only when sending.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    internal static partial Regex E164();
}
