using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Security;
using Outbound.Tests.Activities;
using Outbound.Tests.Conversations;

namespace Outbound.Tests.Security;

/// <summary>
/// Whatever a client sends (empty, null, wrong-typed, duplicated, deeply nested, oversized, non-UTF-8 bodies, the
/// wrong content type), the answer is a 4xx RFC 9457 problem naming the field, never a 5xx, and nothing is stored.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed partial class HostileRequestTests(OutboundSystem system)
{
    private const string EventsSecret = "hostile-corpus-events-secret";

    [Fact]
    public async Task Every_request_of_the_hostile_corpus_is_a_4xx_problem_naming_the_field_and_stores_nothing()
    {
        var org = await system.CreateOrgAsync("Hostile");
        var (channel, template, configuration) = await org.Http.CreateSmsSetupAsync();
        var acsChannel = await org.Http.CreateAsync("/v1/channels", new
        {
            name = "ACS SMS",
            type = "sms",
            provider = "acs",
            from = "+14255550123",
            acs = new { endpoint = "https://contoso.communication.azure.com/", accessKey = Api.AcsAccessKey, eventsSecret = EventsSecret },
        });
        var unknown = Guid.NewGuid();
        var conversation = await system.OpenAsync(org.OrgId, Conversations.Conversations.Message(channel, "+14155550198", "Hello?"));
        var queue = await org.Http.CreateAsync("/v1/queues", new { name = "Hostile", channelIds = Array.Empty<Guid>(), strategy = "round-robin" });
        var agent = await org.Http.CreateAsync("/v1/agents", new { name = "Hostile", queueIds = new[] { queue }, capacity = 1 });
        var agentKey = (await (await org.Http.PostAsJsonAsync($"/v1/agents/{agent}/api-keys", new { name = "Hostile" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();
        var sendKey = (await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Hostile", scope = "send" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();
        var campaign = await org.Http.CreateAsync("/v1/campaigns", new { name = "Hostile", configurationId = configuration });
        var values = new Dictionary<string, string>
        {
            ["orgId"] = org.OrgId.ToString(), ["orgId:N"] = org.OrgId.ToString("N"),
            ["channelId"] = channel.ToString(), ["acsChannelId"] = acsChannel.ToString(), ["acsChannelId:N"] = acsChannel.ToString("N"),
            ["templateId"] = template.ToString(), ["configurationId"] = configuration.ToString(),
            ["eventsSecret"] = EventsSecret, ["unknownId"] = unknown.ToString(), ["unknownId:N"] = unknown.ToString("N"),
            ["channelId:N"] = channel.ToString("N"), ["inboundToken"] = OutboundSystem.SigningKeys.ForInbound(org.OrgId, channel),
            ["conversationId"] = conversation.ToString(),
            ["queueId"] = queue.ToString(), ["agentId"] = agent.ToString(), ["agentKey"] = agentKey, ["sendKey"] = sendKey,
            ["campaignId"] = campaign.ToString(),
        };
        var cases = HostileCorpus.Load();
        var before = await SnapshotAsync(org, conversation);

        var failures = new List<string>();
        using var http = system.Anonymous();
        foreach (var hostile in cases)
        {
            using var request = HostileCorpus.Request(hostile, values);
            request.Headers.Authorization = HostileCorpus.Authorization(hostile, org.ApiKey, values);
            try
            {
                using var response = await http.SendAsync(request);
                if (await CheckAsync(hostile, response) is { } failure)
                {
                    failures.Add($"{hostile}: {failure}");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{hostile}: no answer ({e.Message})");
            }
        }

        Assert.True(cases.Count >= 200, $"The corpus has {cases.Count} cases.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} hostile requests were not answered as the corpus says:\n{string.Join('\n', failures)}");
        Assert.Equal(before, await SnapshotAsync(org, conversation));
        await AssertOnlyTheNextSendIsCountedAsync(org, configuration);
    }

    [Fact]
    public void The_hostile_corpus_aims_at_every_endpoint_of_the_api()
    {
        var endpoints = system.GatewayServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(method => Route($"{method} {e.RoutePattern.RawText}")))
            .ToHashSet();
        var aimed = HostileCorpus.Load().Select(c => Route(c.Endpoint)).ToHashSet();

        Assert.Empty(endpoints.Except(aimed).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_8_MiB_twilio_callback_form_is_refused_before_it_is_sent_whole()
    {
        var org = await system.CreateOrgAsync();
        const int announced = 8 * 1024 * 1024;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(system.GatewayUrl.Host, system.GatewayUrl.Port);
        var stream = tcp.GetStream();
        var head = $"POST /v1/callbacks/twilio/status?message={org.OrgId:N}.{Guid.NewGuid():N}-0 HTTP/1.1\r\nHost: {system.GatewayUrl.Authority}\r\n"
            + $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {announced}\r\n\r\nMessageSid=";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // Only the head and a few bytes of the form are sent: an answer proves the gateway did not wait for the rest.
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var headers = new List<string>();
        while (await reader.ReadLineAsync() is { Length: > 0 } header)
        {
            headers.Add(header);
        }

        var status = int.Parse(statusLine!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(status, 400, 499);
        Assert.Contains(headers, h => h.StartsWith("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Null when the answer is as the case says; otherwise what is wrong with it.</summary>
    private static async Task<string?> CheckAsync(HostileCase hostile, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (!hostile.Allows(status))
        {
            return $"expected {hostile.Status}, got {status}: {Shorten(text)}";
        }

        if (!hostile.Problem)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"expected an application/problem+json body, got {response.Content.Headers.ContentType?.MediaType ?? "none"}: {Shorten(text)}";
        }

        var problem = JsonNode.Parse(text)!.AsObject();
        if (problem["status"]?.GetValue<int>() != status)
        {
            return $"the problem's status is not {status}: {Shorten(text)}";
        }

        return hostile.Field is { } field && problem["errors"]?.AsObject().ContainsKey(field) != true
            ? $"expected errors to name '{field}': {Shorten(text)}"
            : null;
    }

    /// <summary>Everything the corpus could have changed that the API shows.</summary>
    private static async Task<string> SnapshotAsync(OrgClient org, Guid conversation)
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/v1/org", "/v1/channels?limit=200", "/v1/templates?limit=200", "/v1/outbound-configurations?limit=200", "/v1/contacts/+14155550199/consent", "/v1/queues?limit=200", "/v1/agents?limit=200", $"/v1/conversations/{conversation}" })
        {
            parts.Add((await (await org.Http.GetAsync(path)).Json(HttpStatusCode.OK)).ToJsonString());
        }

        // Keys without their last use, which the corpus itself moves on.
        var keys = (await (await org.Http.GetAsync("/v1/api-keys")).Json(HttpStatusCode.OK))["items"]!.AsArray();
        parts.AddRange(keys.Select(k => $"{k!["id"]} {k["name"]} {k["scope"]}"));

        return string.Join('\n', parts);
    }

    /// <summary>No hostile send was accepted: once a real one is counted in the org's report, it is the only one.</summary>
    private static async Task AssertOnlyTheNextSendIsCountedAsync(OrgClient org, Guid configuration)
    {
        var messageId = (await org.Http.SendAsync(configuration, ActivityApi.Contact(ActivityApi.UniqueNumber())))[0];
        await org.Http.WaitForMessageAsync(messageId, "delivered");
        var report = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync("/v1/reports/outbound")).Json(HttpStatusCode.OK),
            r => r.Count("delivered") >= 1, timeoutMs: 20_000, pollMs: 100);

        Assert.Equal(1, report.Count("total"));
    }

    private static string Route(string endpoint) => RouteParameter().Replace(endpoint, "{}").TrimEnd('/');

    private static string Shorten(string text) => text.Length <= 400 ? text : $"{text[..400]}…";

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex RouteParameter();
}
