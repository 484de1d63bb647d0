using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Outbound.Bench.Setup;

/// <summary>Creates the orgs through the public API, exactly as an operator and a tenant admin would.</summary>
public sealed class TenantSetup(HttpClient gateway, BenchOptions options)
{
    /// <summary>The slug that carries each message's bench tag, so the fake's ledger names the message it received.</summary>
    public const string TagSlug = "Tag";
    public const string TemplateBody = "Bench {" + TagSlug + "}";
    public const string From = "+14155550100";

    public async Task<IReadOnlyList<Tenant>> CreateAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<Tenant>();
        for (var i = 0; i < options.Orgs; i++)
        {
            tenants.Add(await CreateOneAsync(i, cancellationToken));
        }

        return tenants;
    }

    private async Task<Tenant> CreateOneAsync(int index, CancellationToken cancellationToken)
    {
        var org = await SendAsync(HttpMethod.Post, "/v1/orgs", options.AdminKey, new { name = $"bench-{index}" }, cancellationToken);
        var orgId = org.GetProperty("orgId").GetGuid();
        var apiKey = org.GetProperty("apiKey").GetString()!;

        // The default hourly quota (30,000 requests) would end a long run with 429s that say nothing about speed.
        await SendAsync(HttpMethod.Put, $"/v1/orgs/{orgId}/settings", options.AdminKey,
            new { maxContactsPerRequest = Math.Max(100, options.ContactsPerRequest), maxRequestsPerHour = 100_000_000 }, cancellationToken);

        var channel = await SendAsync(HttpMethod.Post, "/v1/channels", apiKey, new
        {
            name = "Bench SMS",
            type = "sms",
            provider = "twilio",
            from = From,
            twilio = new { accountSid = options.TwilioAccountSid, authToken = options.TwilioAuthToken },
        }, cancellationToken);
        var template = await SendAsync(HttpMethod.Post, "/v1/templates", apiKey, new
        {
            name = "Bench",
            channelType = "sms",
            defaultLocale = "en-US",
            versions = new Dictionary<string, object> { ["en-US"] = new { body = TemplateBody } },
        }, cancellationToken);
        var configuration = await SendAsync(HttpMethod.Post, "/v1/outbound-configurations", apiKey, new
        {
            name = "Bench",
            showInTimeline = options.ShowInTimeline,
            channelType = "sms",
            channelId = channel.GetProperty("id").GetGuid(),
            templateId = template.GetProperty("id").GetGuid(),
        }, cancellationToken);
        return new Tenant(orgId, apiKey, configuration.GetProperty("configurationId").GetGuid());
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string key, object body, CancellationToken cancellationToken)
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
