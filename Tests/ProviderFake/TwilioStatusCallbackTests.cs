using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Twilio.Security;

namespace Outbound.Tests.ProviderFake;

/// <summary>Status callbacks: their sequence, their form fields and their X-Twilio-Signature, checked with the Twilio SDK.</summary>
public sealed class TwilioStatusCallbackTests : IAsyncLifetime
{
    private FakeServer _fake = null!;
    private WebhookListener _app = null!;

    private string CallbackUrl => $"{_app.BaseUrl}/webhooks/twilio/status?tenant=t1&x=a+b";

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
    public async Task A_message_reports_sent_then_delivered_signed_with_the_accounts_token()
    {
        var sid = await SendAsync();

        var callbacks = await _app.WaitForAsync(2);

        Assert.Equal(["sent", "delivered"], callbacks.Select(c => c.Form["MessageStatus"]));
        var validator = new RequestValidator(FakeServer.AuthToken);
        foreach (var callback in callbacks)
        {
            Assert.Equal("/webhooks/twilio/status?tenant=t1&x=a+b", callback.PathAndQuery);
            Assert.True(validator.Validate(CallbackUrl, callback.Form.ToDictionary(), callback.Header("X-Twilio-Signature")),
                $"X-Twilio-Signature of {callback.Form["MessageStatus"]} does not validate");
            Assert.Equal(sid, callback.Form["MessageSid"]);
            Assert.Equal(sid, callback.Form["SmsSid"]);
            Assert.Equal(callback.Form["MessageStatus"], callback.Form["SmsStatus"]);
            Assert.Equal(FakeServer.AccountSid, callback.Form["AccountSid"]);
            Assert.Equal("+15551230001", callback.Form["To"]);
            Assert.Equal("+15557654321", callback.Form["From"]);
            Assert.Equal("2010-04-01", callback.Form["ApiVersion"]);
            Assert.False(callback.Form.ContainsKey("ErrorCode"));
        }
    }

    [Fact]
    public async Task A_signature_made_with_another_token_does_not_validate()
    {
        await SendAsync();

        var callback = (await _app.WaitForAsync(1))[0];

        Assert.False(new RequestValidator(FakeServer.OtherAuthToken).Validate(CallbackUrl, callback.Form.ToDictionary(), callback.Header("X-Twilio-Signature")));
    }

    [Fact]
    public async Task An_undelivered_outcome_carries_its_error_code()
    {
        await _fake.SetFaultsAsync(new { callbackOutcome = "undelivered", callbackErrorCode = 30005 });
        await SendAsync();

        var callbacks = await _app.WaitForAsync(2);

        Assert.Equal(["sent", "undelivered"], callbacks.Select(c => c.Form["MessageStatus"]));
        Assert.Equal("30005", callbacks[1].Form["ErrorCode"]);
    }

    [Fact]
    public async Task A_failed_outcome_skips_sent()
    {
        await _fake.SetFaultsAsync(new { callbackOutcome = "failed", callbackErrorCode = 30008 });
        await SendAsync();

        var callback = (await _app.WaitForAsync(1))[0];

        Assert.Equal("failed", callback.Form["MessageStatus"]);
        Assert.Equal("30008", callback.Form["ErrorCode"]);
    }

    [Fact]
    public async Task Out_of_order_delivers_delivered_before_sent()
    {
        await _fake.SetFaultsAsync(new { outOfOrder = true });
        await SendAsync();

        var callbacks = await _app.WaitForAsync(2);

        Assert.Equal(["delivered", "sent"], callbacks.Select(c => c.Form["MessageStatus"]));
    }

    [Fact]
    public async Task Duplicate_callbacks_deliver_each_status_twice()
    {
        await _fake.SetFaultsAsync(new { duplicateCallbacks = true });
        await SendAsync();

        var callbacks = await _app.WaitForAsync(4);

        Assert.Equal(["sent", "sent", "delivered", "delivered"], callbacks.Select(c => c.Form["MessageStatus"]));
    }

    [Fact]
    public async Task A_messaging_service_message_also_reports_queued()
    {
        await SendAsync(("MessagingServiceSid", "MG" + new string('a', 32)));

        var callbacks = await _app.WaitForAsync(3);

        Assert.Equal(["queued", "sent", "delivered"], callbacks.Select(c => c.Form["MessageStatus"]));
        Assert.All(callbacks, c => Assert.Equal("MG" + new string('a', 32), c.Form["MessagingServiceSid"]));
    }

    [Fact]
    public async Task A_whatsapp_message_reports_its_channel()
    {
        await _fake.SendTwilioAsync(
        [
            ("To", "whatsapp:+15551230001"), ("From", "whatsapp:+14155238886"), ("Body", "hi"), ("StatusCallback", CallbackUrl),
        ]);

        var delivered = (await _app.WaitForAsync(2))[1];

        Assert.Equal("whatsapp:+15551230001", delivered.Form["To"]);
        Assert.Equal("whatsapp", delivered.Form["ChannelPrefix"]);
        Assert.Equal("+15551230001", delivered.Form["ChannelToAddress"]);
    }

    [Fact]
    public async Task A_callback_the_app_fails_is_retried()
    {
        var failures = 1;
        _app.Responder = _ => Interlocked.Decrement(ref failures) >= 0 ? Results.StatusCode(500) : null;
        await SendAsync();

        var callbacks = await _app.WaitForAsync(3);

        Assert.Equal(["sent", "sent", "delivered"], callbacks.Select(c => c.Form["MessageStatus"]));
        Assert.Equal(callbacks[0].Header("X-Twilio-Signature"), callbacks[1].Header("X-Twilio-Signature"));
    }

    [Fact]
    public async Task Without_a_StatusCallback_nothing_is_posted_but_the_message_still_progresses()
    {
        var created = await (await _fake.SendTwilioAsync(FakeServer.SmsForm())).Content.ReadFromJsonAsync<JsonElement>();
        _fake.Http.DefaultRequestHeaders.Authorization = FakeServer.Basic(FakeServer.AccountSid, FakeServer.AuthToken);

        await Eventually.ReturnsAsync(
            () => _fake.Http.GetFromJsonAsync<JsonElement>($"/2010-04-01/Accounts/{FakeServer.AccountSid}/Messages/{created.GetProperty("sid").GetString()}.json"),
            m => m.GetProperty("status").GetString() == "delivered");

        Assert.Empty(_app.All);
    }

    private async Task<string> SendAsync(params (string, string)[] extra)
    {
        var response = await _fake.SendTwilioAsync([.. FakeServer.SmsForm(), ("StatusCallback", CallbackUrl), .. extra]);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sid").GetString()!;
    }
}
