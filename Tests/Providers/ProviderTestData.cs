using System.Text.Json;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Providers;

namespace Outbound.Tests.Providers;

/// <summary>Channels, credentials and canned provider answers shared by the provider tests.</summary>
internal static class ProviderTestData
{
    public const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string AuthToken = "f3b2c1d0e9a8b7c6d5e4f3a2b1c0d9e8";
    public const string MessagingServiceSid = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string ContentSid = "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    /// <summary>The key of providers.md §4.4's golden vector.</summary>
    public const string AccessKey = "c3VwZXItc2VjcmV0LXRlc3Qta2V5LTAxMjM0NTY3ODk=";

    /// <summary>What Twilio returns for a created message (the twilio-oai spec's <c>create</c> example).</summary>
    public const string TwilioCreated = """
        {"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","api_version":"2010-04-01","body":"Hello! 👍","date_created":"Thu, 24 Aug 2023 05:01:45 +0000","date_sent":"Thu, 24 Aug 2023 05:01:45 +0000","date_updated":"Thu, 24 Aug 2023 05:01:45 +0000","direction":"outbound-api","error_code":null,"error_message":null,"from":"+14155552345","num_media":"0","num_segments":"1","price":null,"price_unit":null,"messaging_service_sid":"MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","sid":"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","status":"queued","subresource_uris":{"media":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Media.json"},"to":"+14155552345","uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"}
        """;

    public const string TwilioMessageSid = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    /// <summary>The Basic credentials the SDK sends: must never be logged either.</summary>
    public static string BasicCredentials => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));

    public static Channel TwilioSms() =>
        new("sms", ChannelType.Sms, ProviderKind.Twilio, "+15005550006", null, new TwilioAccount(AccountSid, new Secret(AuthToken)), null);

    public static Channel TwilioWhatsApp() =>
        new("wa", ChannelType.WhatsApp, ProviderKind.Twilio, "whatsapp:+14155238886", MessagingServiceSid, new TwilioAccount(AccountSid, new Secret(AuthToken)), null);

    public static Channel Acs(Uri endpoint) =>
        new("acs", ChannelType.Sms, ProviderKind.AzureCommunicationServices, "+18001110000", null, null, new AcsResource(endpoint.ToString(), new Secret(AccessKey)));

    public static ProviderMessage Sms(string to = "+15551234567", string body = "Your code is 1234 & welcome", Uri? statusCallback = null, string? reportTag = null) =>
        ProviderMessage.Create(Guid.NewGuid(), to, body, null, null, statusCallback, DateTimeOffset.UtcNow, reportTag);

    public static ProviderMessage WhatsAppTemplate(string to = "+15551234567") =>
        ProviderMessage.Create(
            Guid.NewGuid(),
            to,
            null,
            ContentSid,
            ImmutableDictionary<string, string>.Empty.Add("2", "3pm").Add("1", "12/1"),
            new Uri("https://example.com/twilio/status?x=1"),
            DateTimeOffset.UtcNow);

    /// <summary>A page of Twilio's Messages list (<c>ListMessageResponse</c>) holding <paramref name="messages"/>.</summary>
    public static string TwilioListPage(string? nextPageUri, params Dictionary<string, object?>[] messages)
    {
        var uri = $"/2010-04-01/Accounts/{AccountSid}/Messages.json?PageSize=100&Page=0";
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["end"] = Math.Max(0, messages.Length - 1),
            ["first_page_uri"] = uri,
            ["next_page_uri"] = nextPageUri,
            ["page"] = 0,
            ["page_size"] = 100,
            ["previous_page_uri"] = null,
            ["start"] = 0,
            ["uri"] = uri,
            ["messages"] = messages,
        });
    }

    /// <summary>One message of a list page, as Twilio writes it (RFC 2822 dates, snake_case).</summary>
    public static Dictionary<string, object?> TwilioListed(
        string sid, string? body, DateTimeOffset created, DateTimeOffset? sent, string status = "delivered", string direction = "outbound-api", int? errorCode = null) => new()
    {
        ["account_sid"] = AccountSid,
        ["api_version"] = "2010-04-01",
        ["body"] = body,
        ["date_created"] = Rfc2822(created),
        ["date_sent"] = sent is { } at ? Rfc2822(at) : null,
        ["date_updated"] = Rfc2822(sent ?? created),
        ["direction"] = direction,
        ["error_code"] = errorCode,
        ["error_message"] = null,
        ["from"] = "+15005550006",
        ["messaging_service_sid"] = null,
        ["num_media"] = "0",
        ["num_segments"] = "1",
        ["price"] = null,
        ["price_unit"] = "USD",
        ["sid"] = sid,
        ["status"] = status,
        ["subresource_uris"] = new Dictionary<string, string> { ["media"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}/Media.json" },
        ["to"] = "+15551234567",
        ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json",
    };

    /// <summary>A Message SID, <c>SM</c> + 32 hex digits, numbered.</summary>
    public static string Sid(int n) => $"SM{n:x32}";

    private static string Rfc2822(DateTimeOffset at) =>
        at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture);

    public static string TwilioError(int code, int status, string message) =>
        $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";
}
