using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outbound.Tests.Infrastructure;

/// <summary>Request bodies and response helpers shared by the API tests.</summary>
public static class Api
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string ContentSid = "HX0123456789abcdef0123456789abcdef";
    public const string TwilioAuthToken = "twilio-secret-token";

    public static object TwilioSmsChannel(string from = "+14155550100", string authToken = TwilioAuthToken) => new
    {
        name = "Support SMS",
        type = "sms",
        provider = "twilio",
        from,
        twilio = new { accountSid = AccountSid, authToken },
    };

    public const string AcsAccessKey = "c2VjcmV0LWFjcy1hY2Nlc3Mta2V5LWZvci10ZXN0cw==";

    public static object AcsSmsChannel(string from = "+14255550123") => new
    {
        name = "ACS SMS",
        type = "sms",
        provider = "acs",
        from,
        acs = new { endpoint = "https://contoso.communication.azure.com/", accessKey = AcsAccessKey },
    };

    public static object SmsTemplate(string body = "Hi {CustomerName}, case {CaseName} is open.", string defaultLocale = "en-US") => new
    {
        name = "Case created",
        channelType = "sms",
        defaultLocale,
        versions = new Dictionary<string, object> { [defaultLocale] = new { body } },
    };

    public static async Task<JsonObject> Json(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts an RFC 9457 validation problem that names <paramref name="field"/>.</summary>
    public static async Task<JsonObject> AssertProblemNaming(this HttpResponseMessage response, string field)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"Expected an error for '{field}', got: {errors.ToJsonString()}");
        return problem;
    }

    public static async Task<Guid> CreateAsync(this HttpClient http, string path, object body, string idField = "id")
    {
        var created = await (await http.PostAsJsonAsync(path, body)).Json(HttpStatusCode.Created);
        return created[idField]!.GetValue<Guid>();
    }

    /// <summary>Creates a Twilio SMS channel, an SMS template and a configuration binding them.</summary>
    public static async Task<(Guid Channel, Guid Template, Guid Configuration)> CreateSmsSetupAsync(this HttpClient http, object? template = null)
    {
        var channel = await http.CreateAsync("/v1/channels", TwilioSmsChannel());
        var templateId = await http.CreateAsync("/v1/templates", template ?? SmsTemplate());
        var configuration = await http.CreateAsync("/v1/outbound-configurations", Configuration(channel, templateId), "configurationId");
        return (channel, templateId, configuration);
    }

    public static object Configuration(
        Guid channelId, Guid templateId, string channelType = "sms", Guid? fallbackChannelId = null, int? fallbackAfterSeconds = null) => new
    {
        name = "Case created",
        showInTimeline = true,
        channelType,
        channelId,
        templateId,
        fallbackChannelId,
        fallbackAfterSeconds,
    };

    public static object Render(string? locale, params (string Key, string Value)[] contextItems) => new
    {
        locale,
        contextitems = contextItems.ToDictionary(i => i.Key, i => i.Value),
    };

    /// <summary>Polls <c>GET /v1/messages/{id}</c> until the message is in one of <paramref name="statuses"/>.</summary>
    public static Task<JsonObject> WaitForMessageAsync(this HttpClient http, string messageId, params string[] statuses) =>
        Eventually.ReturnsAsync(
            async () => await (await http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK),
            message => statuses.Contains(message["status"]!.GetValue<string>()),
            timeoutMs: 30_000,
            pollMs: 100);

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
