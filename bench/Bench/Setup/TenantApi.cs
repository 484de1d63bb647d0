using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Outbound.Bench.Setup;

/// <summary>
/// The setup calls of the public API, as an operator (the admin key) and a tenant admin (the org's key) make them.
/// Every call must succeed: a load run on a half-made tenant would measure nothing.
/// </summary>
public sealed class TenantApi(HttpClient gateway, string adminKey)
{
    /// <summary>The slug that carries each message's tag, so the fake's ledger names the message it received.</summary>
    public const string TagSlug = "Tag";
    public const string TemplateBody = "Bench {" + TagSlug + "}";

    /// <summary>Creates an org whose hourly quota a long run never meets (the default 30,000 requests would end one in 429s).</summary>
    public async Task<(Guid OrgId, string ApiKey)> CreateOrgAsync(string name, int maxContactsPerRequest, CancellationToken cancellationToken)
    {
        var org = await CallAsync(HttpMethod.Post, "/v1/orgs", adminKey, new { name }, cancellationToken);
        var orgId = org.GetProperty("orgId").GetGuid();
        await CallAsync(HttpMethod.Put, $"/v1/orgs/{orgId}/settings", adminKey,
            new { maxContactsPerRequest = Math.Max(100, maxContactsPerRequest), maxRequestsPerHour = 100_000_000 }, cancellationToken);
        return (orgId, org.GetProperty("apiKey").GetString()!);
    }

    /// <summary>An SMS channel; <paramref name="provider"/> is the <c>twilio</c> or <c>acs</c> part of the body.</summary>
    public async Task<Guid> CreateSmsChannelAsync(string apiKey, string name, string from, string providerName, object provider, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object> { ["name"] = name, ["type"] = "sms", ["provider"] = providerName, ["from"] = from, [providerName] = provider };
        return (await CallAsync(HttpMethod.Post, "/v1/channels", apiKey, body, cancellationToken)).GetProperty("id").GetGuid();
    }

    /// <summary>An SMS template whose only slug is the tag (<see cref="TemplateBody"/>).</summary>
    public async Task<Guid> CreateTagTemplateAsync(string apiKey, string name, CancellationToken cancellationToken) =>
        (await CallAsync(HttpMethod.Post, "/v1/templates", apiKey, new
        {
            name,
            channelType = "sms",
            defaultLocale = "en-US",
            versions = new Dictionary<string, object> { ["en-US"] = new { body = TemplateBody } },
        }, cancellationToken)).GetProperty("id").GetGuid();

    /// <summary>An outbound configuration; its Configuration ID is what send requests name.</summary>
    public async Task<Guid> CreateConfigurationAsync(string apiKey, object configuration, CancellationToken cancellationToken) =>
        (await CallAsync(HttpMethod.Post, "/v1/outbound-configurations", apiKey, configuration, cancellationToken)).GetProperty("configurationId").GetGuid();

    public async Task<JsonElement> CallAsync(HttpMethod method, string path, string key, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await gateway.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
