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

    public static string TwilioError(int code, int status, string message) =>
        $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";
}
