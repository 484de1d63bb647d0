using Microsoft.Extensions.Logging.Testing;
using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>No credential reaches a log, formatted or as structured state, with every category at Trace.</summary>
public sealed class SecretLoggingTests : IAsyncLifetime
{
    private StubServer _stub = null!;
    private ProviderHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _stub = await StubServer.StartAsync();
        _harness = ProviderHarness.Create(_stub.Url, timeoutSeconds: 2);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _stub.DisposeAsync();
    }

    private static string Text(FakeLogRecord record) =>
        string.Join(
            "\n",
            new[] { record.Category, record.Message, record.Exception?.ToString() }
                .Concat(record.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? []));

    private void AssertNoSecretLogged()
    {
        var records = _harness.Logs.GetSnapshot();
        // The capture works: the providers' own logs and their HTTP logs are there.
        Assert.Contains(records, r => r.Category!.StartsWith("Outbound.Grains.Providers.", StringComparison.Ordinal) && r.Category.EndsWith("MessageProvider", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Category == "Outbound.Grains.Providers.ProviderHttpLogger");
        foreach (var text in records.Select(Text))
        {
            Assert.DoesNotContain(AuthToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(BasicCredentials, text, StringComparison.Ordinal);
            Assert.DoesNotContain(AccessKey, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Twilio_sends_that_succeed_and_fail_log_no_credentials()
    {
        _stub.RespondWith(201, TwilioCreated);
        Assert.Equal(SendStatus.Accepted, (await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None)).Status);
        _stub.RespondWith(401, TwilioError(20003, 401, "Authenticate"));
        Assert.Equal(SendStatus.Permanent, (await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None)).Status);
        _stub.Respond = (context, _) => Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
        Assert.Equal(SendStatus.Ambiguous, (await _harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None)).Status);

        AssertNoSecretLogged();
    }

    [Fact]
    public async Task Twilio_searches_that_succeed_and_fail_log_no_credentials()
    {
        var query = new SentMessageQuery(Sms(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        _stub.RespondWith(200, TwilioListPage(null));
        Assert.True((await _harness.TwilioFinder.FindSentAsync(query, TwilioSms(), CancellationToken.None)).Completed);
        _stub.RespondWith(401, TwilioError(20003, 401, "Authenticate"));
        Assert.False((await _harness.TwilioFinder.FindSentAsync(query, TwilioSms(), CancellationToken.None)).Completed);
        _stub.Respond = (context, _) => Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
        Assert.False((await _harness.TwilioFinder.FindSentAsync(query, TwilioSms(), CancellationToken.None)).Completed);

        AssertNoSecretLogged();
    }

    [Fact]
    public async Task Acs_sends_that_succeed_and_fail_log_no_credentials()
    {
        _stub.Respond = AcsProviderTests.AcceptAll;
        Assert.Equal(SendStatus.Accepted, (await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None)).Status);
        _stub.RespondWith(401, """{"error":{"code":"Unauthorized","message":"Denied by the resource provider."}}""");
        Assert.Equal(SendStatus.Permanent, (await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None)).Status);
        _stub.RespondWith(503, "{}");
        Assert.Equal(SendStatus.Retryable, (await _harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None)).Status);

        AssertNoSecretLogged();
    }
}
