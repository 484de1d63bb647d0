using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Outbound.Tests.Security;

/// <summary>
/// Random JSON shaped like the API's main bodies (field names it knows, values of any type, nesting, odd text)
/// never gets a 5xx: it is either taken or refused with a problem.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RandomBodyTests(OutboundSystem system)
{
    private static readonly string[] FieldNames =
    [
        "name", "type", "provider", "from", "messagingServiceSid", "twilio", "accountSid", "authToken", "acs", "endpoint", "accessKey",
        "eventsSecret", "channelType", "defaultLocale", "versions", "en-US", "fr-fr", "body", "contentSid", "variables", "1",
        "showInTimeline", "channelId", "templateId", "fallbackChannelId", "fallbackAfterSeconds", "locale", "contextitems",
        "CustomerName", "customername", "CaseName", "contacts", "tocontactid", "optin", "entityrelationshipname", "",
    ];

    private static readonly string[] Texts =
    [
        "sms", "whatsapp", "twilio", "acs", "en-US", "fr-CA", "zz-ZZ", "+14155550100", "whatsapp:+14155550100", "Hi {CustomerName}",
        "{", "}", "{{}}", "{CaseName", Api.AccountSid, Api.ContentSid, "https://contoso.communication.azure.com/", "http://127.0.0.1/",
        "", " ", "\0", "\u202e", "😀", "\ud800", "null", "true", "0", "-1", "1e309", "00000000-0000-0000-0000-000000000000",
        "'; --", "../..", new string('x', 1_700), new string('é', 300),
    ];

    private static readonly Gen<JsonNode?> Leaf = Gen.Frequency<JsonNode?>(
        (1, Gen.Bool.Select(_ => (JsonNode?)null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i))),
        (1, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (4, Gen.OneOf(Texts).Select(t => (JsonNode?)JsonValue.Create(t))),
        (2, Gen.String.Select(t => (JsonNode?)JsonValue.Create(t))),
        (1, Gen.Guid.Select(g => (JsonNode?)JsonValue.Create(g))));

    private static readonly Gen<string> Key = Gen.Frequency((6, Gen.OneOf(FieldNames)), (1, Gen.String));

    private static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 4
        ? Leaf
        : Gen.Frequency(
            (4, Leaf),
            (3, Gen.Select(Key, inner).Array[0, 6].Select(Object)),
            (1, inner.Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items])))));

    [Fact]
    public async Task Random_bodies_for_send_channels_templates_configurations_and_render_never_get_a_5xx()
    {
        var org = await system.CreateOrgAsync("Random bodies");
        var (channel, template, configuration) = await org.Http.CreateSmsSetupAsync();
        string[] paths =
        [
            "POST /v1/channels", $"PUT /v1/channels/{channel}", "POST /v1/templates", $"PUT /v1/templates/{template}",
            $"POST /v1/templates/{template}/render", "POST /v1/outbound-configurations", $"PUT /v1/outbound-configurations/{configuration}",
            $"POST /v1/outbound-configurations/{configuration}/render", $"POST /v1/outbound-configurations/{configuration}/send",
        ];
        // Mostly objects of the API's fields, so most bodies get past the parser to the rules behind it.
        var body = Gen.Frequency((5, Gen.Select(Key, Value).Array[0, 8].Select(Object)), (1, Value));
        using var http = system.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", org.ApiKey);

        await Gen.Select(Gen.OneOf(paths), body).SampleAsync(async (endpoint, json) =>
        {
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent(json?.ToJsonString() ?? "null", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            using var response = await http.SendAsync(request);

            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{endpoint} answered {status}: {await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }, iter: 1_500, threads: 4, print: t => $"{t.Item1} {t.Item2?.ToJsonString()}");
    }

    /// <summary>An object of the pairs given; a name given twice keeps its first value.</summary>
    private static JsonNode? Object((string Key, JsonNode? Value)[] pairs)
    {
        var json = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            json.TryAdd(key, value);
        }

        return json;
    }
}
