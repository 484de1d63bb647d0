using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outbound.ProviderFake;

namespace Outbound.Tests.ProviderFake;

/// <summary>The fake's Twilio Messages API: auth, validation, magic numbers and the Message resource.</summary>
public sealed class TwilioMessagesTests : IAsyncLifetime
{
    private FakeServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Theory]
    [InlineData(FakeServer.AccountSid, "wrong-token")]
    [InlineData(FakeServer.OtherAccountSid, FakeServer.OtherAuthToken)] // valid credentials, but of another account than the path's
    public async Task A_create_without_the_accounts_credentials_is_a_20003_401(string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, FakeServer.MessagesPath())
        {
            Content = new FormUrlEncodedContent(FakeServer.SmsForm().Select(f => KeyValuePair.Create(f.Item1, f.Item2))),
        };
        request.Headers.Authorization = FakeServer.Basic(user, password);

        var response = await _fake.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString());
        await TwilioAssert.ErrorAsync(response, 20003, 401);
    }

    [Fact]
    public async Task A_create_without_any_credentials_is_a_401()
    {
        var response = await _fake.Http.PostAsync(FakeServer.MessagesPath(), new FormUrlEncodedContent([]));

        await TwilioAssert.ErrorAsync(response, 20003, 401);
    }

    [Fact]
    public async Task Each_configured_account_can_send_with_its_own_token()
    {
        var response = await _fake.SendTwilioAsync(FakeServer.SmsForm(), FakeServer.OtherAccountSid, FakeServer.OtherAuthToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("without To", 21604)]
    [InlineData("without From or MessagingServiceSid", 21603)]
    [InlineData("without Body, MediaUrl or ContentSid", 21602)]
    [InlineData("with ContentVariables that are not JSON", 21656)]
    [InlineData("with ContentVariables that are a JSON array", 21656)]
    [InlineData("with a ContentSid that is not HX + 32 hex", 21655)]
    [InlineData("with a Body of 1601 characters", 21617)]
    [InlineData("with a relative StatusCallback", 21609)]
    [InlineData("with a To that is not E.164", 21211)]
    [InlineData("with a From that is not E.164", 21212)]
    [InlineData("with To equal to From", 21266)]
    public async Task A_create_that_breaks_a_rule_is_a_400_with_twilios_code(string rule, int code)
    {
        var form = new Dictionary<string, string> { ["To"] = "+15551230001", ["From"] = "+15557654321", ["Body"] = "hi" };
        switch (rule)
        {
            case "without To": form.Remove("To"); break;
            case "without From or MessagingServiceSid": form.Remove("From"); break;
            case "without Body, MediaUrl or ContentSid": form.Remove("Body"); break;
            case "with ContentVariables that are not JSON": form["ContentVariables"] = "1=12/1"; break;
            case "with ContentVariables that are a JSON array": form["ContentVariables"] = "[\"12/1\"]"; break;
            case "with a ContentSid that is not HX + 32 hex": form["ContentSid"] = "HXbad"; break;
            case "with a Body of 1601 characters": form["Body"] = new string('a', 1601); break;
            case "with a relative StatusCallback": form["StatusCallback"] = "/status"; break;
            case "with a To that is not E.164": form["To"] = "555-1234"; break;
            case "with a From that is not E.164": form["From"] = "FAKE"; break;
            case "with To equal to From": form["From"] = form["To"]; break;
            default: throw new ArgumentOutOfRangeException(nameof(rule));
        }

        var response = await _fake.SendTwilioAsync(form.Select(f => (f.Key, f.Value)));

        await TwilioAssert.ErrorAsync(response, code, 400);
    }

    [Fact]
    public async Task A_json_body_reads_as_no_parameters_so_To_is_missing()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, FakeServer.MessagesPath())
        {
            Content = JsonContent.Create(new { To = "+15551230001", From = "+15557654321", Body = "hi" }),
        };
        request.Headers.Authorization = FakeServer.Basic(FakeServer.AccountSid, FakeServer.AuthToken);

        await TwilioAssert.ErrorAsync(await _fake.Http.SendAsync(request), 21604, 400);
    }

    // Twilio's test-credential magic numbers (twilio.com/docs/iam/test-credentials, providers.md §3).
    [Theory]
    [InlineData("To", "+15005550001", 21211)]
    [InlineData("To", "+15005550002", 21612)]
    [InlineData("To", "+15005550003", 21408)]
    [InlineData("To", "+15005550004", 21610)]
    [InlineData("To", "+15005550009", 21614)]
    [InlineData("From", "+15005550001", 21212)]
    [InlineData("From", "+15005550007", 21606)]
    [InlineData("From", "+15005550008", 21611)]
    public async Task A_magic_test_number_triggers_its_documented_error(string field, string number, int code)
    {
        var form = field == "To" ? FakeServer.SmsForm(to: number) : FakeServer.SmsForm(from: number);

        var response = await _fake.SendTwilioAsync(form);

        await TwilioAssert.ErrorAsync(response, code, 400);
        Assert.Empty(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task A_valid_create_is_a_201_with_twilios_message_resource()
    {
        var response = await _fake.SendTwilioAsync(FakeServer.SmsForm(body: "Héllo & wörld +1"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sid = message.GetProperty("sid").GetString()!;
        Assert.Matches("^SM[0-9a-f]{32}$", sid);
        Assert.Equal(FakeServer.AccountSid, message.GetProperty("account_sid").GetString());
        Assert.Equal("+15551230001", message.GetProperty("to").GetString());
        Assert.Equal("+15557654321", message.GetProperty("from").GetString());
        Assert.Equal("Héllo & wörld +1", message.GetProperty("body").GetString());
        Assert.Equal("queued", message.GetProperty("status").GetString());
        Assert.Equal("1", message.GetProperty("num_segments").GetString());
        Assert.Equal("0", message.GetProperty("num_media").GetString());
        Assert.Equal("2010-04-01", message.GetProperty("api_version").GetString());
        Assert.Equal("outbound-api", message.GetProperty("direction").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("error_code").ValueKind);
        Assert.Equal(JsonValueKind.Null, message.GetProperty("date_sent").ValueKind);
        Assert.Equal($"/2010-04-01/Accounts/{FakeServer.AccountSid}/Messages/{sid}.json", message.GetProperty("uri").GetString());
        // RFC 2822 as Twilio writes it: "Thu, 24 Aug 2023 05:01:45 +0000".
        var created = message.GetProperty("date_created").GetString()!;
        Assert.Matches(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$", created);
        var parsed = DateTimeOffset.ParseExact(created, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture);
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task A_long_unicode_body_counts_ucs2_segments()
    {
        var response = await _fake.SendTwilioAsync(FakeServer.SmsForm(body: new string('ж', 71)));

        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2", message.GetProperty("num_segments").GetString());
    }

    [Fact]
    public async Task A_messaging_service_whatsapp_template_is_accepted_without_From()
    {
        var response = await _fake.SendTwilioAsync(
        [
            ("To", "whatsapp:+15551230001"),
            ("MessagingServiceSid", "MG" + new string('a', 32)),
            ("ContentSid", "HX" + new string('b', 32)),
            ("ContentVariables", "{\"1\":\"12/1\",\"2\":\"3pm\"}"),
        ]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        // With a Messaging Service Twilio answers "accepted" and picks the sender later (providers.md §1.3).
        Assert.Equal("accepted", message.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("from").ValueKind);
    }

    [Fact]
    public async Task A_fetch_returns_the_message_and_an_unknown_sid_is_a_20404()
    {
        var created = await (await _fake.SendTwilioAsync(FakeServer.SmsForm())).Content.ReadFromJsonAsync<JsonElement>();
        var sid = created.GetProperty("sid").GetString();
        _fake.Http.DefaultRequestHeaders.Authorization = FakeServer.Basic(FakeServer.AccountSid, FakeServer.AuthToken);

        var fetched = await _fake.Http.GetFromJsonAsync<JsonElement>($"/2010-04-01/Accounts/{FakeServer.AccountSid}/Messages/{sid}.json");
        var missing = await _fake.Http.GetAsync($"/2010-04-01/Accounts/{FakeServer.AccountSid}/Messages/SM{new string('0', 32)}.json");

        Assert.Equal(sid, fetched.GetProperty("sid").GetString());
        await TwilioAssert.ErrorAsync(missing, 20404, 404);
    }

    [Fact]
    public async Task A_fetch_follows_the_message_to_delivered()
    {
        var created = await (await _fake.SendTwilioAsync(FakeServer.SmsForm())).Content.ReadFromJsonAsync<JsonElement>();
        _fake.Http.DefaultRequestHeaders.Authorization = FakeServer.Basic(FakeServer.AccountSid, FakeServer.AuthToken);
        var path = $"/2010-04-01/Accounts/{FakeServer.AccountSid}/Messages/{created.GetProperty("sid").GetString()}.json";

        var fetched = await Eventually.ReturnsAsync(
            () => _fake.Http.GetFromJsonAsync<JsonElement>(path),
            m => m.GetProperty("status").GetString() == "delivered");

        Assert.NotEqual(JsonValueKind.Null, fetched.GetProperty("date_sent").ValueKind);
    }

    [Fact]
    public async Task The_fake_answers_its_health_probe()
    {
        Assert.Equal(HttpStatusCode.OK, (await _fake.Http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task The_default_settings_accept_the_documented_dev_account()
    {
        await using var fake = await FakeServer.StartAsync(("FAKE_TWILIO_ACCOUNTS", ""));

        var response = await fake.SendTwilioAsync(FakeServer.SmsForm(), FakeSettings.DevAccountSid, FakeSettings.DevAuthToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

public static class TwilioAssert
{
    /// <summary>The response is Twilio's error JSON with this code and status.</summary>
    public static async Task ErrorAsync(HttpResponseMessage response, int code, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected HTTP {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", error.GetProperty("more_info").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }
}
