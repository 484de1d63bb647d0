using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Outbound.Tests.ProviderFake;

/// <summary>Faults set through <c>/_faults</c> (or FAKE_* settings) shape what both providers answer.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private FakeServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task A_throttled_twilio_send_is_a_20429_with_Retry_After()
    {
        await _fake.SetFaultsAsync(new { throttled = 1.0, retryAfterSeconds = 7 });

        var response = await _fake.SendTwilioAsync(FakeServer.SmsForm());

        await TwilioAssert.ErrorAsync(response, 20429, 429);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Empty(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task A_throttled_acs_send_is_a_429_with_Retry_After()
    {
        await _fake.SetFaultsAsync(new { throttled = 1.0, retryAfterSeconds = 3 });

        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_retryable_rate_of_one_fails_every_send_with_a_5xx_and_accepts_nothing()
    {
        await _fake.SetFaultsAsync(new { retryable = 1.0 });

        var twilio = await _fake.SendTwilioAsync(FakeServer.SmsForm());
        var acs = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")));

        await TwilioAssert.ErrorAsync(twilio, 20503, 503);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, acs.StatusCode);
        Assert.Empty(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task The_retryable_status_can_be_another_5xx()
    {
        await _fake.SetFaultsAsync(new { retryable = 1.0, retryableStatus = 500 });

        await TwilioAssert.ErrorAsync(await _fake.SendTwilioAsync(FakeServer.SmsForm()), 20500, 500);
    }

    [Theory]
    [InlineData("permanent", 21211)]
    [InlineData("optedOut", 21610)]
    public async Task A_permanent_or_opted_out_fault_is_a_400_with_its_code(string fault, int code)
    {
        await _fake.SetFaultsAsync(new Dictionary<string, object> { [fault] = 1.0 });

        await TwilioAssert.ErrorAsync(await _fake.SendTwilioAsync(FakeServer.SmsForm()), code, 400);
    }

    [Fact]
    public async Task An_acs_permanent_fault_fails_the_recipient_not_the_request()
    {
        await _fake.SetFaultsAsync(new { permanent = 1.0 });

        var response = await _fake.SendAcsAsync(FakeServer.AcsBody(recipients: FakeServer.Recipient("+15551230001")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value")[0];
        Assert.False(item.GetProperty("successful").GetBoolean());
        Assert.Equal(400, item.GetProperty("httpStatusCode").GetInt32());
    }

    [Fact]
    public async Task An_ambiguous_timeout_accepts_the_message_although_the_client_gave_up()
    {
        await _fake.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 10_000, timeoutAccepted = true });
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => _fake.SendTwilioAsync(FakeServer.SmsForm(), client: impatient));

        Assert.Single(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task A_timeout_that_was_not_accepted_leaves_nothing_behind()
    {
        await _fake.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 10_000 });
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => _fake.SendTwilioAsync(FakeServer.SmsForm(), client: impatient));

        Assert.Empty(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task A_dropped_timeout_resets_the_connection()
    {
        await _fake.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 50, timeoutDrop = true, timeoutAccepted = true });

        await Assert.ThrowsAsync<HttpRequestException>(() => _fake.SendTwilioAsync(FakeServer.SmsForm()));

        Assert.Single(await _fake.LedgerAsync());
    }

    [Fact]
    public async Task A_held_answer_still_comes_when_the_client_waits()
    {
        await _fake.SetFaultsAsync(new { timeout = 1.0, timeoutMs = 50 });

        var response = await _fake.SendTwilioAsync(FakeServer.SmsForm());

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task A_seed_makes_the_fault_sequence_repeatable()
    {
        var faults = new { retryable = 0.5, seed = 42 };

        await _fake.SetFaultsAsync(faults);
        var first = await StatusesAsync(20);
        await _fake.SetFaultsAsync(faults);
        var second = await StatusesAsync(20);

        Assert.Equal(first, second);
        Assert.Contains(HttpStatusCode.Created, first);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, first);
    }

    [Fact]
    public async Task Faults_read_back_and_reset()
    {
        await _fake.SetFaultsAsync(new { throttled = 0.25, outOfOrder = true, callbackOutcome = "undelivered" });

        var current = await _fake.Http.GetFromJsonAsync<JsonElement>("/_faults");
        var reset = await (await _fake.Http.DeleteAsync("/_faults")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0.25, current.GetProperty("throttled").GetDouble());
        Assert.True(current.GetProperty("outOfOrder").GetBoolean());
        Assert.Equal("undelivered", current.GetProperty("callbackOutcome").GetString());
        Assert.Equal(0, reset.GetProperty("throttled").GetDouble());
    }

    [Theory]
    [InlineData("""{"retryable":1.5}""")]
    [InlineData("""{"retryable":0.6,"throttled":0.6}""")]
    [InlineData("""{"retryableStatus":404}""")]
    [InlineData("""{"callbackOutcome":"lost"}""")]
    public async Task An_impossible_fault_configuration_is_a_400(string json)
    {
        var response = await _fake.Http.PutAsync("/_faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Faults_can_be_set_at_start_up()
    {
        await using var fake = await FakeServer.StartAsync(("FAKE_FAULT_THROTTLED", "1"), ("FAKE_FAULT_RETRY_AFTER_SECONDS", "2"));

        var response = await fake.SendTwilioAsync(FakeServer.SmsForm());

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
    }

    private async Task<List<HttpStatusCode>> StatusesAsync(int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await _fake.SendTwilioAsync(FakeServer.SmsForm())).StatusCode);
        }

        return statuses;
    }
}
