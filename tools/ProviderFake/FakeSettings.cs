using System.Text.Json.Serialization;
using Outbound.ProviderFake.Acs;
using Outbound.ProviderFake.Faults;

namespace Outbound.ProviderFake;

/// <summary>The events' schema on the wire, as chosen on a real Event Grid subscription.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AcsEventSchema>))]
public enum AcsEventSchema
{
    EventGrid,
    CloudEvents,
}

/// <summary>How the property names of an event's <c>data</c> are written.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AcsEventCasing>))]
public enum AcsEventCasing
{
    Camel,
    Pascal,
}

/// <summary>
/// The fake's settings, read from configuration keys that double as environment variable names
/// (the same names in <c>run.sh</c> and the README).
/// </summary>
public sealed record FakeSettings(
    int Port,
    IReadOnlyDictionary<string, string> TwilioAccounts,
    IReadOnlyList<byte[]> AcsKeys,
    AcsEventSubscription AcsEvents,
    TimeSpan CallbackDelay,
    FaultConfig Faults)
{
    /// <summary>The development account the fake accepts when <c>FAKE_TWILIO_ACCOUNTS</c> is not set.</summary>
    public const string DevAccountSid = "AC00000000000000000000000000000000";

    public const string DevAuthToken = "dev-twilio-token";

    /// <summary>The development ACS access key (base64 of "dev-acs-access-key-for-the-provider-fake").</summary>
    public const string DevAcsKey = "ZGV2LWFjcy1hY2Nlc3Mta2V5LWZvci10aGUtcHJvdmlkZXItZmFrZQ==";

    public static FakeSettings From(IConfiguration configuration)
    {
        var schema = configuration["FAKE_ACS_EVENT_SCHEMA"] is { Length: > 0 } s
            ? Enum.Parse<AcsEventSchema>(s, ignoreCase: true)
            : AcsEventSchema.EventGrid;
        return new FakeSettings(
            Port: configuration.GetValue("PROVIDER_FAKE_PORT", 8090),
            TwilioAccounts: ParseAccounts(configuration["FAKE_TWILIO_ACCOUNTS"] is { Length: > 0 } a ? a : $"{DevAccountSid}:{DevAuthToken}"),
            AcsKeys: ParseKeys(configuration["FAKE_ACS_KEYS"] is { Length: > 0 } k ? k : DevAcsKey),
            AcsEvents: new AcsEventSubscription
            {
                Url = configuration["FAKE_ACS_EVENTS_URL"] is { Length: > 0 } u ? new Uri(u, UriKind.Absolute) : null,
                Schema = schema,
                // The docs' examples disagree on the casing of `data`; camelCase is what the .NET SDK reads (providers.md §4.6).
                Casing = string.Equals(configuration["FAKE_ACS_EVENT_CASING"], "pascal", StringComparison.OrdinalIgnoreCase) ? AcsEventCasing.Pascal : AcsEventCasing.Camel,
                Handshake = configuration.GetValue("FAKE_ACS_EVENTS_HANDSHAKE", true),
            },
            CallbackDelay: TimeSpan.FromMilliseconds(configuration.GetValue("FAKE_CALLBACK_DELAY_MS", 200)),
            Faults: FaultConfig.From(configuration));
    }

    private static Dictionary<string, string> ParseAccounts(string value)
    {
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = pair.IndexOf(':');
            if (colon <= 0 || colon == pair.Length - 1)
            {
                throw new InvalidOperationException($"FAKE_TWILIO_ACCOUNTS: '{pair}' is not an AccountSid:AuthToken pair.");
            }

            accounts[pair[..colon]] = pair[(colon + 1)..];
        }

        return accounts;
    }

    private static List<byte[]> ParseKeys(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromBase64String)];
}
