using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>What the Twilio client puts on the wire, and how each Twilio answer maps to a <see cref="SendOutcome"/>.</summary>
public sealed class TwilioProviderTests : IAsyncLifetime
{
    private StubServer _stub = null!;
    private ProviderHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _stub = await StubServer.StartAsync();
        _stub.RespondWith(201, TwilioCreated);
        _harness = ProviderHarness.Create(_stub.Url, timeoutSeconds: 3);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _stub.DisposeAsync();
    }

    private static Dictionary<string, string> Form(CapturedRequest request) =>
        QueryHelpers.ParseQuery(request.Body).ToDictionary(p => p.Key, p => p.Value.ToString());

    [Fact]
    public async Task Sms_is_posted_to_the_account_messages_resource_with_basic_auth_and_body()
    {
        var callback = new Uri("https://example.com/twilio/status?x=1");

        var outcome = await _harness.Twilio.SendAsync(Sms(statusCallback: callback), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted(TwilioMessageSid), outcome);
        var request = Assert.Single(_stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.PathAndQuery);
        Assert.Equal($"Basic {BasicCredentials}", request.Header("Authorization"));
        var form = Form(request);
        Assert.Equal("+15551234567", form["To"]);
        Assert.Equal("+15005550006", form["From"]);
        Assert.Equal("Your code is 1234 & welcome", form["Body"]);
        Assert.Equal(callback.ToString(), form["StatusCallback"]);
        Assert.False(form.ContainsKey("MessagingServiceSid"));
    }

    [Fact]
    public async Task WhatsApp_template_carries_content_sid_sorted_json_variables_and_prefixed_addresses()
    {
        var outcome = await _harness.Twilio.SendAsync(WhatsAppTemplate(), TwilioWhatsApp(), CancellationToken.None);

        Assert.Equal(SendStatus.Accepted, outcome.Status);
        var form = Form(Assert.Single(_stub.Requests));
        Assert.Equal("whatsapp:+15551234567", form["To"]);
        Assert.Equal("whatsapp:+14155238886", form["From"]);
        Assert.Equal(MessagingServiceSid, form["MessagingServiceSid"]);
        Assert.Equal(ContentSid, form["ContentSid"]);
        Assert.Equal("""{"1":"12/1","2":"3pm"}""", form["ContentVariables"]);
        Assert.False(form.ContainsKey("Body"));
    }

    [Fact]
    public async Task A_base_url_with_a_path_prefixes_the_sdk_path()
    {
        await using var harness = ProviderHarness.Create(new Uri(_stub.Url, "/twilio"));

        await harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal($"/twilio/2010-04-01/Accounts/{AccountSid}/Messages.json", Assert.Single(_stub.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Too_many_requests_is_retryable_and_carries_retry_after()
    {
        _stub.RespondWith(429, TwilioError(20429, 429, "Too Many Requests"), ("Retry-After", "7"));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(new SendOutcome(SendStatus.Retryable, null, "20429", "Too Many Requests", TimeSpan.FromSeconds(7)), outcome);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task Http_429_without_a_twilio_body_is_retryable()
    {
        _stub.Respond = (context, _) =>
        {
            context.Response.StatusCode = 429;
            return Task.CompletedTask;
        };

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Null(outcome.RetryAfter);
    }

    [Theory]
    [InlineData(21211, "Invalid 'To' Phone Number")]
    [InlineData(21408, "Permission to send an SMS has not been enabled for the region")]
    [InlineData(21614, "'To' number is not a valid mobile number")]
    [InlineData(21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number")]
    public async Task Validation_errors_are_permanent(int code, string message)
    {
        _stub.RespondWith(400, TwilioError(code, 400, message));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed(SendStatus.Permanent, code.ToString(System.Globalization.CultureInfo.InvariantCulture), message), outcome);
    }

    [Fact]
    public async Task Bad_credentials_are_permanent()
    {
        _stub.RespondWith(401, TwilioError(20003, 401, "Authenticate"));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Equal("20003", outcome.ErrorCode);
    }

    [Fact]
    public async Task Unsubscribed_recipient_is_opted_out()
    {
        _stub.RespondWith(400, TwilioError(21610, 400, "Attempt to send to unsubscribed recipient"));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed(SendStatus.OptedOut, "21610", "Attempt to send to unsubscribed recipient"), outcome);
    }

    [Fact]
    public async Task Full_sender_queue_is_retryable()
    {
        _stub.RespondWith(400, TwilioError(21611, 400, "This 'From' number has exceeded the maximum number of queued messages"));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
    }

    [Fact]
    public async Task Server_error_with_a_twilio_body_is_ambiguous_and_not_resent()
    {
        _stub.RespondWith(500, TwilioError(20500, 500, "Internal Server Error"));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed(SendStatus.Ambiguous, "20500", "Internal Server Error"), outcome);
        Assert.Single(_stub.Requests);
    }

    /// <summary>A 503 means Twilio could not take the request; any other 5xx may come after it created the message.</summary>
    [Theory]
    [InlineData(502, SendStatus.Ambiguous)]
    [InlineData(503, SendStatus.Retryable)]
    public async Task A_server_error_html_page_is_classed_by_its_real_status(int status, SendStatus expected)
    {
        _stub.Respond = async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>down</html>");
        };

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal((expected, $"http-{status}"), (outcome.Status, outcome.ErrorCode));
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task Timeout_after_the_request_was_sent_is_ambiguous_and_not_resent()
    {
        _stub.Respond = (context, _) => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
        Assert.Equal("timeout", outcome.ErrorCode);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task Connection_reset_after_the_request_was_sent_is_ambiguous()
    {
        _stub.Respond = (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
    }

    [Fact]
    public async Task Refused_connection_is_retryable_because_nothing_was_sent()
    {
        await using var harness = ProviderHarness.Create(new Uri($"http://127.0.0.1:{UnusedPort()}"));

        var outcome = await harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Equal("transport-ConnectionError", outcome.ErrorCode);
    }

    [Fact]
    public async Task Cancellation_after_the_request_was_sent_is_ambiguous()
    {
        _stub.Respond = (context, _) => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var outcome = await _harness.Twilio.SendAsync(Sms(), TwilioSms(), cancel.Token);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
    }

    [Fact]
    public async Task Cancellation_before_sending_throws_and_sends_nothing()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Twilio.SendAsync(Sms(), TwilioSms(), cancel.Token));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task Message_without_body_or_content_is_permanent_and_not_sent()
    {
        var message = Sms() with { Body = null };

        var outcome = await _harness.Twilio.SendAsync(message, TwilioSms(), CancellationToken.None);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Empty(_stub.Requests);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
