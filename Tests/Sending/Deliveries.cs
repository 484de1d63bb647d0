using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Outbound.Grains;
using Outbound.Grains.Sending;
using Outbound.Sending;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>Sends whose messages carry a run tag, and what the provider fake and the API say became of them.</summary>
public static class Deliveries
{
    /// <summary>Sends <paramref name="count"/> contacts whose bodies each name the run and their position; the message ids, in order.</summary>
    public static async Task<string[]> SendTaggedAsync(this OrgClient org, Guid configuration, string run, int count, string to = "+14155550142")
    {
        var response = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", Body(run, count, to));
        var results = (await response.Json(HttpStatusCode.Accepted))["results"]!.AsArray();
        return [.. results.Select(r => r!["messageId"]!.GetValue<string>())];
    }

    public static object Body(string run, int count, string to = "+14155550142") => new
    {
        contacts = Enumerable.Range(0, count).Select(i => new
        {
            tocontactid = to,
            optin = true,
            contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{run}-{i}" },
        }),
    };

    /// <summary>A new org with a Twilio SMS configuration, and a tag naming this run's messages.</summary>
    public static async Task<(OrgClient Org, Guid Configuration, string Run)> NewSmsSenderAsync(this OutboundSystem system)
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, configuration, Guid.NewGuid().ToString("N"));
    }

    /// <summary>The provider received the run's <paramref name="count"/> messages, each exactly once.</summary>
    public static async Task AssertEachSentOnceAsync(this OutboundSystem system, string run, int count)
    {
        var ledger = await system.LedgerBodiesAsync(run);
        Assert.Equal(count, ledger.Distinct().Count());
        Assert.Equal(count, ledger.Count);
    }

    /// <summary>The bodies the provider fake accepted for the run, one entry per accepted provider message.</summary>
    public static async Task<List<string>> LedgerBodiesAsync(this OutboundSystem system, string run) =>
        [.. (await system.Providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run, StringComparison.Ordinal))];

    /// <summary>The ledger's provider (<c>twilio</c> or <c>acs</c>) for each of the run's entries.</summary>
    public static async Task<List<string>> LedgerProvidersAsync(this OutboundSystem system, string run) =>
        [.. (await system.Providers.LedgerAsync())
            .Where(r => r.GetProperty("body").GetString()!.Contains(run, StringComparison.Ordinal))
            .Select(r => r.GetProperty("provider").GetString()!)];

    public static async Task<JsonObject[]> MessagesAsync(this OrgClient org, IEnumerable<string> ids) =>
        await Task.WhenAll(ids.Select(async id => await (await org.Http.GetAsync($"/v1/messages/{id}")).Json(HttpStatusCode.OK)));

    /// <summary>Polls the messages until every one satisfies <paramref name="condition"/>.</summary>
    public static Task<JsonObject[]> WaitUntilAllAsync(this OrgClient org, IReadOnlyCollection<string> ids, Func<JsonObject, bool> condition, int timeoutMs = 60_000) =>
        Eventually.ReturnsAsync(
            () => org.MessagesAsync(ids), messages => messages.All(condition), timeoutMs, pollMs: 250,
            describe: messages => $"one message that did not get there: {messages.First(m => !condition(m)).ToJsonString()}");

    public static string Status(this JsonObject message) => message["status"]!.GetValue<string>();

    public static int Attempts(this JsonObject message) => message["attempts"]!.GetValue<int>();

    public static bool IsSentOrDelivered(this JsonObject message) => message.Status() is "sent" or "delivered";

    /// <summary>A message's status as its batch's stored progress has it: what survives the silo, not what the grain holds in memory.</summary>
    public static async Task<MessageStatus> StoredStatusAsync(this OutboundSystem system, Guid orgId, string messageId)
    {
        Assert.True(MessageIds.TryParse(messageId, out var batchId, out var index));
        var storage = system.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Messages);
        var grainId = system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(orgId, batchId)).GetGrainId();
        var stored = new GrainState<SendBatchProgress>(new SendBatchProgress());
        await storage.ReadStateAsync("progress", grainId, stored);
        return stored.State?.Messages.SingleOrDefault(m => m.Index == index)?.Status ?? MessageStatus.Accepted;
    }
}
