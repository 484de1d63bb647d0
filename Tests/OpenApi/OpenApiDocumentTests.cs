using System.Text.Json.Nodes;

namespace Outbound.Tests.OpenApi;

/// <summary>
/// What a client generator reads in <c>/openapi/v1.json</c> must be what the API does: how to authenticate, what a
/// request must carry, the closed sets of values, and the headers of a send. The linters check the document's form;
/// these check its truth where a generated client would otherwise refuse valid requests or miss a header.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OpenApiDocumentTests(OutboundSystem system)
{
    [Fact]
    public async Task Every_operation_that_needs_a_key_declares_bearer_auth_with_401_and_403()
    {
        var document = await DocumentAsync();

        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        var operations = Operations(document).ToList();
        Assert.NotEmpty(operations);
        foreach (var (path, method, operation) in operations)
        {
            var security = operation["security"]!.AsArray();
            if (path.StartsWith("/v1/callbacks/", StringComparison.Ordinal))
            {
                // Providers call these with a signed URL, not a key: anonymous access is declared explicitly.
                Assert.Empty(security.Single()!.AsObject());
                continue;
            }

            Assert.True(security.Single()!["bearer"] is not null, $"{method} {path} declares no bearer auth");
            Assert.True(operation["responses"]!["401"] is not null, $"{method} {path} declares no 401");
            Assert.True(operation["responses"]!["403"] is not null, $"{method} {path} declares no 403");
        }
    }

    [Fact]
    public async Task Every_route_parameter_is_declared()
    {
        var document = await DocumentAsync();

        foreach (var (path, method, operation) in Operations(document))
        {
            var declared = (operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "path").Select(p => (string?)p!["name"]).ToHashSet();
            foreach (var name in path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')))
            {
                Assert.True(declared.Contains(name), $"{method} {path} does not declare {{{name}}}");
            }
        }
    }

    [Fact]
    public async Task A_channel_request_is_a_twilio_or_an_acs_channel_told_apart_by_provider()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;

        var channel = schemas["ChannelRequest"]!;
        Assert.Equal(
            ["#/components/schemas/TwilioChannelRequest", "#/components/schemas/AcsChannelRequest"],
            channel["oneOf"]!.AsArray().Select(v => (string)v!["$ref"]!));
        Assert.Equal("provider", (string)channel["discriminator"]!["propertyName"]!);
        Assert.Null(schemas["TwilioChannelRequest"]!["properties"]!["acs"]);
        Assert.Null(schemas["AcsChannelRequest"]!["properties"]!["twilio"]);
        Assert.Null(schemas["AcsChannelRequest"]!["properties"]!["messagingServiceSid"]);
    }

    [Theory]
    [InlineData("TwilioChannelRequest", "name,type,provider")]
    [InlineData("AcsChannelRequest", "name,type,provider")]
    [InlineData("TwilioRequest", "accountSid")]
    [InlineData("ContactBody", "tocontactid,optin")]
    [InlineData("TemplateVersionRequest", "")]
    [InlineData("ConfigurationRequest", "name,channelType,channelId,templateId")]
    public async Task A_request_schema_requires_what_the_api_requires_and_no_more(string schema, string required)
    {
        var document = await DocumentAsync();

        var declared = (document["components"]!["schemas"]![schema]!["required"]?.AsArray() ?? []).Select(n => (string)n!).Order();
        Assert.Equal(required.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), declared);
    }

    [Theory]
    [InlineData("TwilioChannelRequest", "type", "sms,whatsapp")]
    [InlineData("TwilioChannelRequest", "provider", "twilio")]
    [InlineData("AcsChannelRequest", "provider", "acs")]
    [InlineData("CreateApiKeyRequest", "scope", "admin,send,agent")]
    [InlineData("ContactResultResponse", "status", "accepted,skipped_no_optin,skipped_opted_out,invalid")]
    [InlineData("OutboundReportResponse", "interval", "hour,day")]
    public async Task A_closed_set_of_values_is_an_enum(string schema, string property, string values)
    {
        var document = await DocumentAsync();

        var declared = document["components"]!["schemas"]![schema]!["properties"]![property]!["enum"]!.AsArray().Select(n => (string)n!);
        Assert.Equal(values.Split(','), declared);
    }

    [Fact]
    public async Task The_send_operation_documents_its_headers_and_statuses()
    {
        var document = await DocumentAsync();

        var send = document["paths"]!["/v1/outbound-configurations/{configurationId}/send"]!["post"]!;
        Assert.Equal("SendMessages", (string?)send["operationId"]);
        Assert.Contains(send["parameters"]!.AsArray(), p => (string?)p!["name"] == "Idempotency-Key" && (string?)p["in"] == "header");
        var responses = send["responses"]!;
        foreach (var status in new[] { "202", "400", "401", "403", "404", "413", "415", "422", "429", "503" })
        {
            Assert.True(responses[status] is not null, $"send declares no {status}");
        }

        Assert.NotNull(responses["202"]!["headers"]!["RateLimit-Limit"]);
        Assert.NotNull(responses["202"]!["headers"]!["RateLimit-Remaining"]);
        Assert.NotNull(responses["202"]!["headers"]!["RateLimit-Reset"]);
        Assert.NotNull(responses["202"]!["headers"]!["Idempotent-Replayed"]);
        Assert.NotNull(responses["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(responses["503"]!["headers"]!["Retry-After"]);
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var http = system.Anonymous();
        return JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
    }

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(method => method.Key is "get" or "put" or "post" or "delete" or "patch" or "options")
            .Select(method => (path.Key, method.Key, method.Value!)));
}
