namespace Outbound.Tests.ApiClient;

/// <summary>How the C# client's generation reads shapes NSwag would otherwise get wrong.</summary>
[Trait("Category", "Integration")]
public sealed class ClientGeneratorSettingsTests
{
    private const string ChannelsDocument = """
        {
          "openapi": "3.1.1",
          "info": { "title": "Channels", "version": "v1" },
          "paths": {
            "/v1/channels": {
              "post": {
                "operationId": "createChannel",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ChannelRequest" } } } },
                "responses": { "201": { "description": "Created" } }
              }
            }
          },
          "components": {
            "schemas": {
              "ChannelRequest": {
                "oneOf": [ { "$ref": "#/components/schemas/TwilioChannelRequest" }, { "$ref": "#/components/schemas/AcsChannelRequest" } ],
                "discriminator": { "propertyName": "provider", "mapping": { "twilio": "#/components/schemas/TwilioChannelRequest", "acs": "#/components/schemas/AcsChannelRequest" } }
              },
              "TwilioChannelRequest": {
                "type": "object", "required": [ "provider", "name" ],
                "properties": { "provider": { "type": "string", "enum": [ "twilio" ] }, "name": { "type": "string" }, "accountSid": { "type": "string" } }
              },
              "AcsChannelRequest": {
                "type": "object", "required": [ "provider", "name" ],
                "properties": { "provider": { "type": "string", "enum": [ "acs" ] }, "name": { "type": "string" }, "endpoint": { "type": "string" } }
              }
            }
          }
        }
        """;

    [Fact]
    public async Task A_one_of_with_a_discriminator_becomes_a_class_per_variant_that_writes_its_discriminator()
    {
        var code = await ApiClients.GenerateCSharpAsync(ChannelsDocument);

        Assert.Contains("internal partial class TwilioChannelRequest : ChannelRequest", code);
        Assert.Contains("internal partial class AcsChannelRequest : ChannelRequest", code);
        Assert.Contains("[JsonInheritanceAttribute(\"acs\", typeof(AcsChannelRequest))]", code);
        Assert.Contains("CreateChannelAsync(ChannelRequest body", code);
    }
}
