using System.Net.Http.Json;
using System.Text.Json;
using Twilio.Security;

namespace Outbound.Tests.ProviderFake;

/// <summary><c>/_inbound/twilio</c>: a handset's reply, delivered to the app's webhook as Twilio would.</summary>
public sealed class TwilioInboundTests : IAsyncLifetime
{
    private FakeServer _fake = null!;
    private WebhookListener _app = null!;

    public async Task InitializeAsync()
    {
        _app = await WebhookListener.StartAsync();
        _fake = await FakeServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_inbound_whatsapp_message_is_posted_signed_and_the_apps_answer_comes_back()
    {
        var webhookUrl = $"{_app.BaseUrl}/webhooks/twilio/inbound";
        _app.Responder = _ => Microsoft.AspNetCore.Http.Results.Content("<Response/>", "text/xml");

        var result = await (await _fake.Http.PostAsJsonAsync("/_inbound/twilio", new
        {
            webhookUrl,
            accountSid = FakeServer.OtherAccountSid,
            from = "whatsapp:+15551230001",
            to = "whatsapp:+14155238886",
            body = "STOP",
        })).Content.ReadFromJsonAsync<JsonElement>();

        var received = (await _app.WaitForAsync(1))[0];
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("<Response/>", result.GetProperty("body").GetString());
        Assert.True(new RequestValidator(FakeServer.OtherAuthToken).Validate(webhookUrl, received.Form.ToDictionary(), received.Header("X-Twilio-Signature")));
        Assert.Equal(result.GetProperty("messageId").GetString(), received.Form["MessageSid"]);
        Assert.Equal(FakeServer.OtherAccountSid, received.Form["AccountSid"]);
        Assert.Equal("whatsapp:+15551230001", received.Form["From"]);
        Assert.Equal("whatsapp:+14155238886", received.Form["To"]);
        Assert.Equal("STOP", received.Form["Body"]);
        Assert.Equal("0", received.Form["NumMedia"]);
        Assert.Equal("15551230001", received.Form["WaId"]);
    }

    [Fact]
    public async Task An_unreachable_webhook_is_reported_not_thrown()
    {
        var result = await (await _fake.Http.PostAsJsonAsync("/_inbound/twilio", new
        {
            webhookUrl = $"http://127.0.0.1:{Infrastructure.TestEnvironment.FreePort()}/nobody",
            from = "+15551230001",
            to = "+15557654321",
            body = "hi",
        })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(JsonValueKind.Null, result.GetProperty("status").ValueKind);
        Assert.False(string.IsNullOrEmpty(result.GetProperty("error").GetString()));
    }
}
