using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Channels;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ChannelApiTests(OutboundSystem system)
{
    private const string AcsKey = "c2VjcmV0LWFjcy1hY2Nlc3Mta2V5LWZvci10ZXN0cw==";

    [Fact]
    public async Task Secrets_are_never_returned()
    {
        var org = await system.CreateOrgAsync();
        var twilio = await org.Http.PostAsJsonAsync("/v1/channels", Api.TwilioSmsChannel(authToken: "twilio-token-never-shown"));
        var acs = await org.Http.PostAsJsonAsync("/v1/channels", new
        {
            name = "ACS", type = "sms", provider = "acs", from = "+14255550123",
            acs = new { endpoint = "https://contoso.communication.azure.com/", accessKey = AcsKey, eventsSecret = "events-secret-never-shown" },
        });
        var list = await org.Http.GetStringAsync("/v1/channels");

        var twilioBody = await twilio.Json(HttpStatusCode.Created);
        var acsBody = await acs.Json(HttpStatusCode.Created);
        Assert.True(twilioBody["twilio"]!["authTokenSet"]!.GetValue<bool>());
        Assert.True(acsBody["acs"]!["accessKeySet"]!.GetValue<bool>());
        Assert.True(acsBody["acs"]!["eventsSecretSet"]!.GetValue<bool>());
        foreach (var text in new[] { twilioBody.ToJsonString(), acsBody.ToJsonString(), list })
        {
            Assert.DoesNotContain("twilio-token-never-shown", text);
            Assert.DoesNotContain(AcsKey, text);
            Assert.DoesNotContain("events-secret-never-shown", text);
        }
    }

    [Fact]
    public async Task A_whatsapp_channel_has_a_whatsapp_sender()
    {
        var org = await system.CreateOrgAsync();

        var created = await (await org.Http.PostAsJsonAsync("/v1/channels", new
        {
            name = "WhatsApp", type = "whatsapp", provider = "twilio", from = "whatsapp:+14155550100",
            twilio = new { accountSid = Api.AccountSid, authToken = "t" },
        })).Json(HttpStatusCode.Created);

        Assert.Equal("whatsapp", created["type"]!.GetValue<string>());
        Assert.Equal("whatsapp:+14155550100", created["from"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_twilio_sms_channel_may_send_through_a_messaging_service_instead_of_a_number()
    {
        var org = await system.CreateOrgAsync();

        var created = await (await org.Http.PostAsJsonAsync("/v1/channels", new
        {
            name = "Service", type = "sms", provider = "twilio", messagingServiceSid = "MG0123456789abcdef0123456789abcdef",
            twilio = new { accountSid = Api.AccountSid, authToken = "t" },
        })).Json(HttpStatusCode.Created);

        Assert.Equal("MG0123456789abcdef0123456789abcdef", created["messagingServiceSid"]!.GetValue<string>());
    }

    public static TheoryData<string, object> InvalidChannels => new()
    {
        { "type", new { name = "x", type = "fax", provider = "twilio", from = "+14155550100", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "provider", new { name = "x", type = "sms", provider = "carrier-pigeon", from = "+14155550100" } },
        { "provider", new { name = "x", type = "whatsapp", provider = "acs", from = "whatsapp:+14155550100", acs = new { endpoint = "https://c.communication.azure.com/", accessKey = AcsKey } } },
        { "name", new { name = "", type = "sms", provider = "twilio", from = "+14155550100", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "from", new { name = "x", type = "sms", provider = "twilio", from = "4155550100", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "from", new { name = "x", type = "sms", provider = "twilio", from = "+1415555", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "from", new { name = "x", type = "whatsapp", provider = "twilio", from = "+14155550100", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "from", new { name = "x", type = "sms", provider = "twilio", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "twilio", new { name = "x", type = "sms", provider = "twilio", from = "+14155550100" } },
        { "twilio.accountSid", new { name = "x", type = "sms", provider = "twilio", from = "+14155550100", twilio = new { accountSid = "AC123", authToken = "t" } } },
        { "twilio.authToken", new { name = "x", type = "sms", provider = "twilio", from = "+14155550100", twilio = new { accountSid = Api.AccountSid } } },
        { "messagingServiceSid", new { name = "x", type = "sms", provider = "twilio", messagingServiceSid = "MG1", twilio = new { accountSid = Api.AccountSid, authToken = "t" } } },
        { "acs", new { name = "x", type = "sms", provider = "acs", from = "+14155550100" } },
        { "acs.endpoint", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "http://contoso.example/", accessKey = AcsKey } } },
        // The silo calls the endpoint: only ACS resources (server-side request forgery otherwise).
        { "acs.endpoint", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "https://example.com/", accessKey = AcsKey } } },
        { "acs.endpoint", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "https://169.254.169.254/", accessKey = AcsKey } } },
        { "acs.endpoint", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "https://contoso.communication.azure.com.attacker.example/", accessKey = AcsKey } } },
        { "acs.endpoint", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "http://contoso.communication.azure.com/", accessKey = AcsKey } } },
        { "acs.accessKey", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "https://c.communication.azure.com/", accessKey = "not base64!" } } },
        { "acs.eventsSecret", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "https://c.communication.azure.com/", accessKey = AcsKey, eventsSecret = "too-short" } } },
        { "acs.eventsSecret", new { name = "x", type = "sms", provider = "acs", from = "+14155550100", acs = new { endpoint = "https://c.communication.azure.com/", accessKey = AcsKey, eventsSecret = "has spaces & needs encoding" } } },
    };

    [Theory]
    [MemberData(nameof(InvalidChannels))]
    public async Task An_invalid_channel_is_a_problem_naming_the_field(string field, object channel)
    {
        var org = await system.CreateOrgAsync();

        await (await org.Http.PostAsJsonAsync("/v1/channels", channel)).AssertProblemNaming(field);
    }

    [Fact]
    public async Task Replacing_a_channel_without_its_secret_keeps_the_stored_secret()
    {
        var org = await system.CreateOrgAsync();
        var id = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());

        var replaced = await (await org.Http.PutAsJsonAsync($"/v1/channels/{id}", new
        {
            name = "Renamed", type = "sms", provider = "twilio", from = "+14155550101", twilio = new { accountSid = Api.AccountSid },
        })).Json(HttpStatusCode.OK);

        Assert.Equal("Renamed", replaced["name"]!.GetValue<string>());
        Assert.Equal(2, replaced["version"]!.GetValue<int>());
        Assert.True(replaced["twilio"]!["authTokenSet"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Replacing_an_acs_channel_without_its_secrets_keeps_both()
    {
        var org = await system.CreateOrgAsync();
        var created = await (await org.Http.PostAsJsonAsync("/v1/channels", new
        {
            name = "ACS", type = "sms", provider = "acs", from = "+14255550123",
            acs = new { endpoint = "https://contoso.communication.azure.com/", accessKey = AcsKey, eventsSecret = "0123456789abcdef-events" },
        })).Json(HttpStatusCode.Created);
        Assert.True(created["acs"]!["eventsSecretSet"]!.GetValue<bool>());

        var replaced = await (await org.Http.PutAsJsonAsync($"/v1/channels/{created["id"]}", new
        {
            name = "Renamed", type = "sms", provider = "acs", from = "+14255550123", acs = new { endpoint = "https://contoso.communication.azure.com/" },
        })).Json(HttpStatusCode.OK);

        Assert.True(replaced["acs"]!["accessKeySet"]!.GetValue<bool>());
        Assert.True(replaced["acs"]!["eventsSecretSet"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_channel_in_use_cannot_be_deleted()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, configuration) = await org.Http.CreateSmsSetupAsync();

        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/channels/{channel}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/outbound-configurations/{configuration}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/channels/{channel}")).StatusCode);
    }
}
