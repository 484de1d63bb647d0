using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Outbound.Tests.ProviderFake;

/// <summary>The fake's ACS SMS send: HMAC auth as the service checks it, per-recipient results and repeatability.</summary>
public sealed class AcsSmsTests : IAsyncLifetime
{
    private FakeServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public void The_test_signer_reproduces_the_documented_golden_vector()
    {
        // providers.md §4.4: identical in the JS SDK's policy and a C# port.
        const string body = """{"from":"+18001110000","smsRecipients":[{"to":"+11234567890","repeatabilityRequestId":"fda6d242-46aa-4247-8bf6-619a1206f9c3","repeatabilityFirstSent":"Mon, 01 Apr 2019 06:22:03 GMT"}],"message":"Hello world!","smsSendOptions":{"enableDeliveryReport":true,"tag":"t1"}}""";

        var hash = AcsSigner.ContentHash(body);
        var signature = AcsSigner.Signature("c3VwZXItc2VjcmV0LXRlc3Qta2V5LTAxMjM0NTY3ODk=", "POST", FakeServer.AcsPathAndQuery,
            "Mon, 01 Apr 2019 06:22:03 GMT", "contoso.communication.azure.com", hash);

        Assert.Equal("Y3L4W5MCrdgLhry45KaOkwMjxNVgLf3K7tJLL00hwlc=", hash);
        Assert.Equal("pI0n9y+DmXcC6KiitERpZDL83A6C2hUugdnM1IdaPd8=", signature);
    }

    [Fact]
    public async Task The_golden_vector_request_itself_is_accepted()
    {
        const string key = "c3VwZXItc2VjcmV0LXRlc3Qta2V5LTAxMjM0NTY3ODk=";
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2019-04-01T06:22:03Z"));
        await using var fake = await FakeServer.StartAsync(s => s.AddSingleton<TimeProvider>(clock), ("FAKE_ACS_KEYS", key));
        const string body = """{"from":"+18001110000","smsRecipients":[{"to":"+11234567890","repeatabilityRequestId":"fda6d242-46aa-4247-8bf6-619a1206f9c3","repeatabilityFirstSent":"Mon, 01 Apr 2019 06:22:03 GMT"}],"message":"Hello world!","smsSendOptions":{"enableDeliveryReport":true,"tag":"t1"}}""";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fake.BaseUrl, FakeServer.AcsPathAndQuery))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "contoso.communication.azure.com";
        request.Headers.Add("x-ms-date", "Mon, 01 Apr 2019 06:22:03 GMT");
        request.Headers.Add("x-ms-content-sha256", "Y3L4W5MCrdgLhry45KaOkwMjxNVgLf3K7tJLL00hwlc=");
        request.Headers.TryAddWithoutValidation("Authorization",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=pI0n9y+DmXcC6KiitERpZDL83A6C2hUugdnM1IdaPd8=");

        var response = await fake.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_send_signed_with_an_unknown_key_is_a_401()
    {
        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")),
            key: Convert.ToBase64String("another-key"u8.ToArray()));

        await AssertUnauthorized(response);
    }

    [Fact]
    public async Task A_body_that_does_not_match_its_content_hash_is_a_401()
    {
        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")),
            tamper: r => r.Content = new StringContent("""{"from":"+18001110000","smsRecipients":[{"to":"+15550000000"}],"message":"changed"}""",
                System.Text.Encoding.UTF8, "application/json"));

        await AssertUnauthorized(response);
    }

    [Fact]
    public async Task A_signature_over_another_host_is_a_401()
    {
        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")),
            tamper: r => r.Headers.Host = "elsewhere.communication.azure.com");

        await AssertUnauthorized(response);
    }

    [Fact]
    public async Task An_x_ms_date_older_than_15_minutes_is_a_401()
    {
        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")),
            date: DateTimeOffset.UtcNow.AddMinutes(-16));

        await AssertUnauthorized(response);
    }

    [Fact]
    public async Task A_send_without_authorization_is_a_401()
    {
        var response = await _fake.Http.PostAsJsonAsync(FakeServer.AcsPathAndQuery, FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")));

        await AssertUnauthorized(response);
    }

    [Fact]
    public async Task A_signed_send_is_a_202_with_one_result_per_recipient()
    {
        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients:
        [
            FakeServer.Recipient("+15551230001"),
            new { to = "not-a-number" },
            new { to = "+15551230002" },
        ]));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").EnumerateArray().ToArray();
        Assert.Equal(3, items.Length);

        Assert.Equal("+15551230001", items[0].GetProperty("to").GetString());
        Assert.Equal(202, items[0].GetProperty("httpStatusCode").GetInt32());
        Assert.True(items[0].GetProperty("successful").GetBoolean());
        Assert.Matches("^Outgoing_[0-9]{14}[0-9a-f-]{36}_noam$", items[0].GetProperty("messageId").GetString());
        Assert.Equal("accepted", items[0].GetProperty("repeatabilityResult").GetString());

        Assert.Equal(400, items[1].GetProperty("httpStatusCode").GetInt32());
        Assert.False(items[1].GetProperty("successful").GetBoolean());
        Assert.Equal("Invalid To phone number format.", items[1].GetProperty("errorMessage").GetString());
        Assert.False(items[1].TryGetProperty("messageId", out _));

        // Without repeatability data there is no repeatabilityResult.
        Assert.True(items[2].GetProperty("successful").GetBoolean());
        Assert.False(items[2].TryGetProperty("repeatabilityResult", out _));

        Assert.Equal(2, (await _fake.LedgerAsync()).Length);
    }

    [Fact]
    public async Task A_repeated_repeatability_request_id_returns_the_original_result_and_sends_nothing_new()
    {
        var recipient = FakeServer.Recipient("+15551230001");

        var first = await ResultsOf(await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: recipient)));
        var again = await ResultsOf(await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: recipient)));

        Assert.Equal(first[0].GetProperty("messageId").GetString(), again[0].GetProperty("messageId").GetString());
        Assert.Equal("accepted", again[0].GetProperty("repeatabilityResult").GetString());
        Assert.True(again[0].GetProperty("successful").GetBoolean());
        Assert.Single(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task A_repeatability_id_without_a_valid_first_sent_is_rejected()
    {
        var items = await ResultsOf(await _fake.SendAcsAsync(FakeServer.AcsBody(recipients:
            new { to = "+15551230001", repeatabilityRequestId = Guid.NewGuid().ToString(), repeatabilityFirstSent = "yesterday" })));

        Assert.Equal(400, items[0].GetProperty("httpStatusCode").GetInt32());
        Assert.Equal("rejected", items[0].GetProperty("repeatabilityResult").GetString());
        Assert.Empty(await _fake.LedgerAsync());
    }

    [Theory]
    [InlineData("from")]
    [InlineData("recipients")]
    [InlineData("message")]
    public async Task A_malformed_request_is_a_400(string broken)
    {
        object body = broken switch
        {
            "from" => new { from = "Contoso", smsRecipients = new[] { new { to = "+15551230001" } }, message = "hi" },
            "recipients" => new { from = "+18001110000", smsRecipients = Array.Empty<object>(), message = "hi" },
            _ => new { from = "+18001110000", smsRecipients = new[] { new { to = "+15551230001" } }, message = new string('a', 2049) },
        };

        var response = await _fake.SendAcsAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_api_version_is_a_400()
    {
        var request = AcsSigner.Sign(new Uri(_fake.BaseUrl, "/sms?api-version=2099-01-01"), "{}", FakeServer.AcsKey, DateTimeOffset.UtcNow);

        var response = await _fake.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<JsonElement[]> ResultsOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").EnumerateArray().ToArray();
    }

    private static async Task AssertUnauthorized(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unauthorized", error.GetProperty("error").GetProperty("code").GetString());
    }
}
