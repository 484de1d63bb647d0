using System.Collections.Concurrent;
using System.Globalization;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Conversations;

/// <summary>One org of the inbound load: its channel's signed webhook URL, its queue and its agents.</summary>
/// <param name="To">The channel's number, the <c>To</c> of every webhook.</param>
/// <param name="Streams">Agents with a key of their own, whose event streams the bench opens.</param>
public sealed record InboundTenant(
    Guid OrgId, string ApiKey, Guid QueueId, string WebhookUrl, string To, IReadOnlyList<Guid> Agents, IReadOnlyList<(Guid AgentId, string Key)> Streams);

/// <summary>
/// Per org, through the public API as an operator and a tenant admin would: a Twilio SMS channel with the fake's
/// account, a least-active queue of that channel, <c>agents</c> available agents of that queue and keys for a sample of them.
/// </summary>
public sealed class ConversationSetup(HttpClient gateway, BenchOptions options)
{
    // The caps of one queue (agents) and one org (API keys, its own included).
    public const int MaxAgentsPerQueue = 1_000;
    public const int MaxStreamsPerOrg = 45;
    private const int Parallelism = 16;

    private readonly TenantApi _api = new(gateway, options.AdminKey);

    public async Task<IReadOnlyList<InboundTenant>> CreateAsync(int orgs, int agents, int capacity, int streamsPerOrg, CancellationToken cancellationToken)
    {
        var tenants = new InboundTenant[orgs];
        for (var i = 0; i < orgs; i++)
        {
            // Agents spread evenly; the first orgs take the remainder.
            var count = (agents / orgs) + (i < agents % orgs ? 1 : 0);
            tenants[i] = await CreateOneAsync(i, count, capacity, Math.Min(streamsPerOrg, count), cancellationToken);
        }

        return tenants;
    }

    private async Task<InboundTenant> CreateOneAsync(int index, int agents, int capacity, int streams, CancellationToken cancellationToken)
    {
        var (orgId, apiKey) = await _api.CreateOrgAsync($"bench-inbound-{index}", 100, cancellationToken);
        // 555-01XX numbers are reserved for fiction; one per org, so no two channels share a To.
        var to = string.Create(CultureInfo.InvariantCulture, $"+1415555{100 + index:D4}");
        var channel = await _api.CallAsync(HttpMethod.Post, "/v1/channels", apiKey, new Dictionary<string, object>
        {
            ["name"] = "Bench inbound SMS",
            ["type"] = "sms",
            ["provider"] = "twilio",
            ["from"] = to,
            ["twilio"] = new { accountSid = options.TwilioAccountSid, authToken = options.TwilioAuthToken },
        }, cancellationToken);
        var channelId = channel.GetProperty("id").GetGuid();
        var webhookUrl = channel.GetProperty("inboundWebhookUrl").GetString()
            ?? throw new InvalidOperationException("The Twilio channel has no inboundWebhookUrl.");
        var queue = await _api.CallAsync(HttpMethod.Post, "/v1/queues", apiKey,
            new { name = "Bench", channelIds = new[] { channelId }, strategy = "least-active" }, cancellationToken);
        var queueId = queue.GetProperty("id").GetGuid();

        var ids = new ConcurrentDictionary<int, Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, agents), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (a, ct) =>
        {
            var agent = await _api.CallAsync(HttpMethod.Post, "/v1/agents", apiKey,
                new { name = $"Agent {a}", queueIds = new[] { queueId }, capacity }, ct);
            var agentId = agent.GetProperty("id").GetGuid();
            await _api.CallAsync(HttpMethod.Put, $"/v1/agents/{agentId}/presence", apiKey, new { status = "available" }, ct);
            ids[a] = agentId;
        });
        var agentIds = Enumerable.Range(0, agents).Select(a => ids[a]).ToList();

        var keys = new List<(Guid, string)>();
        foreach (var agentId in agentIds.Take(streams))
        {
            var key = await _api.CallAsync(HttpMethod.Post, $"/v1/agents/{agentId}/api-keys", apiKey, new { name = "bench stream" }, cancellationToken);
            keys.Add((agentId, key.GetProperty("key").GetString()!));
        }

        return new InboundTenant(orgId, apiKey, queueId, webhookUrl, to, agentIds, keys);
    }
}
