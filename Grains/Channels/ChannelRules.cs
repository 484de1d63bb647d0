using System.Text.RegularExpressions;
using Outbound.Channels;
using Outbound.Contacts;
using Outbound.Grains.Providers.Acs;

namespace Outbound.Grains.Channels;

/// <summary>What makes a channel valid. Errors are keyed by the JSON field path of the HTTP API.</summary>
public static partial class ChannelRules
{
    public const int MaxNameLength = 200;
    public const int MinEventsSecretLength = 16;
    public const int MaxEventsSecretLength = 256;
    private const string WhatsAppPrefix = "whatsapp:";

    /// <summary>
    /// Validates <paramref name="channel"/>; on a replace, secrets left out are taken from <paramref name="existing"/>
    /// (secrets are write-only, so a client that read the channel cannot send them back). An ACS endpoint must be
    /// one <paramref name="acsEndpoints"/> allows.
    /// </summary>
    public static (Channel Channel, ImmutableDictionary<string, string[]> Errors) Prepare(Channel channel, Channel? existing, AcsEndpointPolicy acsEndpoints)
    {
        var errors = ImmutableDictionary.CreateBuilder<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(channel.Name) || channel.Name.Length > MaxNameLength)
        {
            Error("name", $"name is required and at most {MaxNameLength} characters.");
        }

        if (channel.Type == ChannelType.WhatsApp && channel.Provider != ProviderKind.Twilio)
        {
            Error("provider", "WhatsApp channels are on Twilio.");
        }

        channel = channel.Provider switch
        {
            ProviderKind.Twilio => PrepareTwilio(channel, existing, Error),
            _ => PrepareAcs(channel, existing, acsEndpoints, Error),
        };

        if (channel.Type == ChannelType.WhatsApp)
        {
            if (channel.From is null || !channel.From.StartsWith(WhatsAppPrefix, StringComparison.Ordinal) || !PhoneNumberRules.IsE164(channel.From[WhatsAppPrefix.Length..]))
            {
                Error("from", "A WhatsApp sender is 'whatsapp:' followed by an E.164 number, for example whatsapp:+14155550100.");
            }
        }
        else if (channel.From is not null ? !PhoneNumberRules.IsE164(channel.From) : channel.MessagingServiceSid is null)
        {
            Error("from", "An SMS sender is an E.164 number such as +14155550100 (or, on Twilio, give messagingServiceSid instead).");
        }

        return (channel, errors.ToImmutable());
    }

    private static Channel PrepareTwilio(Channel channel, Channel? existing, Action<string, string> error)
    {
        if (channel.Acs is not null)
        {
            error("acs", "acs settings are only for provider 'acs'.");
        }

        if (channel.MessagingServiceSid is { } mg && !MessagingServiceSid().IsMatch(mg))
        {
            error("messagingServiceSid", "messagingServiceSid is 'MG' followed by 32 hexadecimal digits.");
        }

        if (channel.Type == ChannelType.WhatsApp && channel.MessagingServiceSid is not null)
        {
            error("messagingServiceSid", "messagingServiceSid is for SMS channels.");
        }

        if (channel.Twilio is not { } twilio)
        {
            error("twilio", "twilio { accountSid, authToken } is required for provider 'twilio'.");
            return channel;
        }

        if (!AccountSid().IsMatch(twilio.AccountSid ?? ""))
        {
            error("twilio.accountSid", "accountSid is 'AC' followed by 32 hexadecimal digits.");
        }

        var token = twilio.AuthToken ?? (existing?.Twilio?.AccountSid == twilio.AccountSid ? existing?.Twilio?.AuthToken : null);
        if (string.IsNullOrEmpty(token?.Value) || token.Value.Length > 256)
        {
            error("twilio.authToken", "authToken is required (at most 256 characters).");
        }

        return channel with { Twilio = twilio with { AuthToken = token } };
    }

    private static Channel PrepareAcs(Channel channel, Channel? existing, AcsEndpointPolicy acsEndpoints, Action<string, string> error)
    {
        if (channel.Twilio is not null)
        {
            error("twilio", "twilio settings are only for provider 'twilio'.");
        }

        if (channel.MessagingServiceSid is not null)
        {
            error("messagingServiceSid", "messagingServiceSid is a Twilio setting.");
        }

        if (channel.Acs is not { } acs)
        {
            error("acs", "acs { endpoint, accessKey } is required for provider 'acs'.");
            return channel;
        }

        if (!acsEndpoints.Allows(acs.Endpoint))
        {
            error("acs.endpoint", acsEndpoints.Describe());
        }

        var key = acs.AccessKey ?? (existing?.Acs?.Endpoint == acs.Endpoint ? existing?.Acs?.AccessKey : null);
        if (key is null || !IsBase64(key.Value))
        {
            error("acs.accessKey", "accessKey is required: the resource's base64 access key.");
        }

        // It protects our events endpoint, not the ACS resource, so it survives a change of endpoint.
        var eventsSecret = acs.EventsSecret ?? existing?.Acs?.EventsSecret;
        if (acs.EventsSecret is { } secret && !EventsSecret().IsMatch(secret.Value))
        {
            error("acs.eventsSecret",
                $"eventsSecret is {MinEventsSecretLength} to {MaxEventsSecretLength} characters from A-Z, a-z, 0-9, '-', '.', '_' and '~' (it goes in a URL as it is).");
        }

        return channel with { Acs = acs with { AccessKey = key, EventsSecret = eventsSecret } };
    }

    private static bool IsBase64(string value) =>
        value.Length > 0 && Convert.TryFromBase64String(value, new byte[value.Length], out var written) && written > 0;

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSid();

    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    private static partial Regex MessagingServiceSid();

    // URL-unreserved characters only: the secret is pasted into the subscription's URL without encoding.
    [GeneratedRegex("^[A-Za-z0-9._~-]{16,256}$")]
    private static partial Regex EventsSecret();
}
