using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>What the ACS client puts on the wire, and how each ACS answer maps to a <see cref="SendOutcome"/>.</summary>
public sealed class AcsProviderTests : IAsyncLifetime
{
    private StubServer _stub = null!;
    private ProviderHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _stub = await StubServer.StartAsync();
        _stub.Respond = AcceptAll;
        _harness = ProviderHarness.Create(timeoutSeconds: 3);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _stub.DisposeAsync();
    }

    /// <summary>Like ACS: 202 with one successful item per recipient.</summary>
    internal static async Task AcceptAll(HttpContext context, CapturedRequest request)
    {
        var items = Recipients(request).Select(r => new
        {
            to = r.GetProperty("to").GetString(),
            messageId = $"Outgoing_{r.GetProperty("to").GetString()}",
            httpStatusCode = 202,
            repeatabilityResult = "accepted",
            successful = true,
        });
        context.Response.StatusCode = 202;
        await context.Response.WriteAsJsonAsync(new { value = items });
    }

    internal static JsonElement[] Recipients(CapturedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("smsRecipients").EnumerateArray().ToArray();

    /// <summary>Checks the HMAC the way ACS does, from the request as received (independently of AcsRequestSigner).</summary>
    internal static void AssertSignedWithAccessKey(CapturedRequest request)
    {
        var contentHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)));
        Assert.Equal(contentHash, request.Header("x-ms-content-sha256"));
        var stringToSign = $"{request.Method}\n{request.PathAndQuery}\n{request.Header("x-ms-date")};{request.Header("Host")};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(AccessKey), Encoding.UTF8.GetBytes(stringToSign)));
        Assert.Equal($"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}", request.Header("Authorization"));
    }

    [Fact]
    public async Task Sms_is_posted_as_the_documented_json_with_a_valid_hmac_signature()
    {
        var message = Sms(reportTag: "org.batch");

        var outcome = await _harness.Acs.SendAsync(message, Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted("Outgoing_+15551234567"), outcome);
        var request = Assert.Single(_stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/sms?api-version=2021-03-07", request.PathAndQuery);
        Assert.Equal($"127.0.0.1:{_stub.Url.Port}", request.Header("Host"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("+18001110000", body.GetProperty("from").GetString());
        Assert.Equal(message.Body, body.GetProperty("message").GetString());
        Assert.True(body.GetProperty("smsSendOptions").GetProperty("enableDeliveryReport").GetBoolean());
        Assert.Equal("org.batch", body.GetProperty("smsSendOptions").GetProperty("tag").GetString());
        var recipient = Assert.Single(Recipients(request));
        Assert.Equal("+15551234567", recipient.GetProperty("to").GetString());
        Assert.Equal(message.RepeatabilityRequestId.ToString(), recipient.GetProperty("repeatabilityRequestId").GetString());
        Assert.Equal(message.RepeatabilityFirstSentRfc1123, recipient.GetProperty("repeatabilityFirstSent").GetString());
        AssertSignedWithAccessKey(request);
    }

    [Fact]
    public async Task A_retried_message_carries_the_same_repeatability_id_and_first_sent()
    {
        var message = Sms();
        _stub.RespondWith(429, """{"error":{"code":"TooManyRequests","message":"Rate limit"}}""");
        await _harness.Acs.SendAsync(message, Acs(_stub.Url), CancellationToken.None);
        _stub.Respond = AcceptAll;

        await _harness.Acs.SendAsync(message, Acs(_stub.Url), CancellationToken.None);

        var sent = _stub.Requests.Select(r => Assert.Single(Recipients(r))).ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal(sent[0].GetProperty("repeatabilityRequestId").GetString(), sent[1].GetProperty("repeatabilityRequestId").GetString());
        Assert.Equal(sent[0].GetProperty("repeatabilityFirstSent").GetString(), sent[1].GetProperty("repeatabilityFirstSent").GetString());
    }

    [Fact]
    public async Task Server_errors_are_retried_by_the_client_with_the_identical_request_then_retryable()
    {
        _stub.RespondWith(503, """{"error":{"code":"ServiceUnavailable","message":"Try later"}}""");

        var outcome = await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed(SendStatus.Retryable, "503", "ServiceUnavailable: Try later"), outcome);
        Assert.Equal(3, _stub.Requests.Count);
        Assert.Single(_stub.Requests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task Too_many_requests_is_retryable_with_retry_after_and_not_retried_by_the_client()
    {
        _stub.RespondWith(429, """{"error":{"code":"TooManyRequests","message":"Rate limit"}}""", ("Retry-After", "30"));

        var outcome = await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendStatus.Retryable, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryAfter);
        Assert.Single(_stub.Requests);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Refused_credentials_are_permanent(int status)
    {
        _stub.RespondWith(status, """{"error":{"code":"Unauthorized","message":"Denied by the resource provider."}}""");

        var outcome = await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.ErrorCode);
        Assert.Contains("Denied by the resource provider.", outcome.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_from_is_permanent()
    {
        _stub.RespondWith(400, """{"From":["Invalid from phone number format."]}""");

        var outcome = await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed(SendStatus.Permanent, "400", """{"From":["Invalid from phone number format."]}"""), outcome);
    }

    [Theory]
    [InlineData(400, "Invalid To phone number format.", SendStatus.Permanent)]
    [InlineData(429, "Too many requests.", SendStatus.Retryable)]
    [InlineData(503, "ServiceUnavailable", SendStatus.Retryable)]
    public async Task Per_recipient_failures_map_by_their_status(int itemStatus, string errorMessage, SendStatus expected)
    {
        _stub.RespondWith(202, $$"""{"value":[{"to":"+15551234567","httpStatusCode":{{itemStatus}},"errorMessage":"{{errorMessage}}","successful":false}]}""");

        var outcome = await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendOutcome.Failed(expected, itemStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), errorMessage), outcome);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task Batch_sends_one_request_per_body_and_returns_outcomes_in_input_order()
    {
        _stub.Respond = async (context, request) =>
        {
            // The second recipient of the shared body is malformed; results come back in reverse order.
            var items = Recipients(request).Reverse().Select(r => r.GetProperty("to").GetString() == "+1555"
                ? (object)new { to = "+1555", httpStatusCode = 400, errorMessage = "Invalid To phone number format.", successful = false }
                : new { to = r.GetProperty("to").GetString(), messageId = $"Outgoing_{r.GetProperty("to").GetString()}", httpStatusCode = 202, successful = true });
            context.Response.StatusCode = 202;
            await context.Response.WriteAsJsonAsync(new { value = items });
        };
        ProviderMessage[] messages = [Sms("+15550000001", "A"), Sms("+1555", "A"), Sms("+15550000003", "B"), Sms("+15550000004", "A")];

        var outcomes = await _harness.Acs.SendBatchAsync(messages, Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(
            [SendStatus.Accepted, SendStatus.Permanent, SendStatus.Accepted, SendStatus.Accepted],
            outcomes.Select(o => o.Status));
        Assert.Equal(["Outgoing_+15550000001", null, "Outgoing_+15550000003", "Outgoing_+15550000004"], outcomes.Select(o => o.ProviderMessageId));
        Assert.Equal([3, 1], _stub.Requests.Select(r => Recipients(r).Length));
        Assert.All(_stub.Requests, r => Assert.False(JsonDocument.Parse(r.Body).RootElement.GetProperty("smsSendOptions").TryGetProperty("tag", out _)));
    }

    [Fact]
    public async Task Batch_puts_only_messages_with_the_same_report_tag_in_one_request_and_sends_that_tag()
    {
        // The tag is per request and names the batch its delivery reports belong to.
        ProviderMessage[] messages = [Sms("+15550000001", "A", reportTag: "t1"), Sms("+15550000002", "A", reportTag: "t2"), Sms("+15550000003", "A", reportTag: "t1")];

        var outcomes = await _harness.Acs.SendBatchAsync(messages, Acs(_stub.Url), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Accepted, o.Status));
        Assert.Equal(
            ["t1:+15550000001,+15550000003", "t2:+15550000002"],
            _stub.Requests.Select(r => $"{JsonDocument.Parse(r.Body).RootElement.GetProperty("smsSendOptions").GetProperty("tag").GetString()}:{string.Join(',', Recipients(r).Select(x => x.GetProperty("to").GetString()))}"));
    }

    [Fact]
    public async Task Batch_splits_at_one_hundred_recipients()
    {
        var messages = Enumerable.Range(0, 150).Select(i => Sms($"+1555{i:D7}", "Same body")).ToArray();

        var outcomes = await _harness.Acs.SendBatchAsync(messages, Acs(_stub.Url), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Accepted, o.Status));
        Assert.Equal([100, 50], _stub.Requests.Select(r => Recipients(r).Length));
    }

    [Fact]
    public async Task The_same_recipient_twice_in_a_batch_goes_in_separate_requests()
    {
        ProviderMessage[] messages = [Sms("+15550000001", "A"), Sms("+15550000001", "A")];

        var outcomes = await _harness.Acs.SendBatchAsync(messages, Acs(_stub.Url), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Accepted, o.Status));
        Assert.Equal(2, _stub.Requests.Count);
    }

    [Fact]
    public async Task A_timeout_after_the_request_left_is_an_unknown_outcome_that_a_resend_settles()
    {
        _stub.Respond = (context, _) => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        await using var harness = ProviderHarness.Create(timeoutSeconds: 0.3);

        var outcome = await harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendStatus.Ambiguous, outcome.Status);
        Assert.Equal("timeout", outcome.ErrorCode);
        Assert.True(harness.Acs.Capabilities.IdempotentResend);
    }

    [Fact]
    public async Task A_channel_without_an_access_key_is_permanent_and_sends_nothing()
    {
        var channel = Acs(_stub.Url) with { Acs = new Outbound.Channels.AcsResource(_stub.Url.ToString(), null) };

        var outcome = await _harness.Acs.SendAsync(Sms(), channel, CancellationToken.None);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Empty(_stub.Requests);
    }
}
