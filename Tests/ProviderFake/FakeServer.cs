using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.ProviderFake;

/// <summary>
/// The provider fake in this process, on a free loopback port, with test credentials. The helpers call it the way the
/// real providers are called: Twilio with Basic auth and a form body, ACS with an HMAC-signed JSON body.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token";

    /// <summary>A second account, to prove credentials are per account.</summary>
    public const string OtherAccountSid = "ACfedcba9876543210fedcba9876543210";
    public const string OtherAuthToken = "other-auth-token";

    public const string AcsPathAndQuery = "/sms?api-version=2021-03-07";

    public static readonly string AcsKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("provider-fake-test-access-key"));

    private readonly WebApplication _app;

    private FakeServer(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseUrl };
    }

    public Uri BaseUrl { get; }

    /// <summary>A plain client of the fake, without credentials.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static string MessagesPath(string accountSid = AccountSid) => $"/2010-04-01/Accounts/{accountSid}/Messages.json";

    /// <summary>Starts a fake; <paramref name="settings"/> override the test defaults (a 20 ms callback delay).</summary>
    public static async Task<FakeServer> StartAsync(params (string Key, string Value)[] settings) =>
        await StartAsync(null, settings);

    public static async Task<FakeServer> StartAsync(Action<IServiceCollection>? services, params (string Key, string Value)[] settings)
    {
        var port = TestEnvironment.FreePort();
        var configuration = new Dictionary<string, string?>
        {
            ["PROVIDER_FAKE_PORT"] = port.ToString(),
            ["FAKE_TWILIO_ACCOUNTS"] = $"{AccountSid}:{AuthToken},{OtherAccountSid}:{OtherAuthToken}",
            ["FAKE_ACS_KEYS"] = AcsKey,
            ["FAKE_CALLBACK_DELAY_MS"] = "20",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var app = Outbound.ProviderFake.Program.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(configuration);
            services?.Invoke(b.Services);
        });
        await app.StartAsync();
        return new FakeServer(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>A Messages create as the Twilio SDK sends it: Basic auth, form-encoded PascalCase fields.</summary>
    public Task<HttpResponseMessage> SendTwilioAsync(
        IEnumerable<(string Key, string Value)> form, string accountSid = AccountSid, string authToken = AuthToken, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, MessagesPath(accountSid)))
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))),
        };
        request.Headers.Authorization = Basic(accountSid, authToken);
        return (client ?? Http).SendAsync(request);
    }

    public static (string, string)[] SmsForm(string to = "+15551230001", string from = "+15557654321", string body = "Hello from the fake") =>
        [("To", to), ("From", from), ("Body", body)];

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>An ACS send signed as the Azure SDK signs it (providers.md §4.4); <paramref name="tamper"/> can spoil it afterwards.</summary>
    public Task<HttpResponseMessage> SendAcsAsync(object body, DateTimeOffset? date = null, string? key = null, Action<HttpRequestMessage>? tamper = null)
    {
        var json = JsonSerializer.Serialize(body);
        var request = AcsSigner.Sign(new Uri(BaseUrl, AcsPathAndQuery), json, key ?? AcsKey, date ?? DateTimeOffset.UtcNow);
        tamper?.Invoke(request);
        return Http.SendAsync(request);
    }

    public static object AcsBody(string message = "Hello from ACS", bool deliveryReport = false, string? tag = null, params object[] recipients) => new
    {
        from = "+18001110000",
        smsRecipients = recipients,
        message,
        smsSendOptions = new { enableDeliveryReport = deliveryReport, tag },
    };

    public static object Recipient(string to, string? repeatabilityRequestId = null) => new
    {
        to,
        repeatabilityRequestId = repeatabilityRequestId ?? Guid.NewGuid().ToString(),
        repeatabilityFirstSent = DateTimeOffset.UtcNow.ToString("r"),
    };

    public async Task<JsonElement[]> LedgerAsync() => (await Http.GetFromJsonAsync<JsonElement[]>("/_ledger"))!;

    public async Task SetFaultsAsync(object faults) => (await Http.PutAsJsonAsync("/_faults", faults)).EnsureSuccessStatusCode();
}

/// <summary>The client side of ACS HMAC auth, written from providers.md §4.4 independently of the fake's verifier.</summary>
public static class AcsSigner
{
    public static HttpRequestMessage Sign(Uri url, string body, string base64Key, DateTimeOffset date)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var utcDate = date.ToString("r");
        var contentHash = ContentHash(body);
        request.Headers.Add("x-ms-date", utcDate);
        request.Headers.Add("x-ms-content-sha256", contentHash);
        request.Headers.TryAddWithoutValidation("Authorization",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + Signature(base64Key, "POST", url.PathAndQuery, utcDate, url.Authority, contentHash));
        return request;
    }

    public static string ContentHash(string body) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    public static string Signature(string base64Key, string verb, string pathAndQuery, string date, string host, string contentHash) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(base64Key),
            Encoding.UTF8.GetBytes($"{verb}\n{pathAndQuery}\n{date};{host};{contentHash}")));
}
