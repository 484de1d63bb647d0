using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Events;

/// <summary>
/// An accepted event is durable: kill the silo with SIGKILL right after the 202s (before the batcher has sent
/// anything), or while the batches are at the provider, start it again, and every accepted event's message reaches
/// the provider exactly once. The logs' and batchers' reminders bring the unsettled work back; the batch ids make a
/// repeated send replay the send path's first receipt.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EventCrashTests : IAsyncLifetime
{
    private const int Requests = 5;
    private const int EventsPerRequest = 100;

    private KillableSystem _system = null!;

    public async Task InitializeAsync() => _system = await KillableSystem.StartAsync("event-crash", latencyMs: 40);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(150)]
    public async Task Every_accepted_event_is_sent_exactly_once_after_a_sigkill(int sentBeforeKill)
    {
        using var http = await _system.CreateOrgClientAsync("Event crash");
        var (_, _, configuration) = await http.CreateSmsSetupAsync();
        await http.CreateTriggerAsync(Events.CaseCreatedTrigger(configuration));
        var run = Guid.NewGuid().ToString("N")[..8];
        var posts = Enumerable.Range(0, Requests).Select(r => http.PostEventsAsync(Events.Batch,
            Enumerable.Range(0, EventsPerRequest).Select(e => Events.CaseCreated($"{run}-{r}-{e}", caseName: $"{run}-{r}-{e}")).ToArray()));
        var accepted = new List<string>();
        foreach (var response in await Task.WhenAll(posts))
        {
            var results = (await response.Json(HttpStatusCode.Accepted))["results"]!.AsArray();
            accepted.AddRange(results.Where(x => x!["status"]!.GetValue<string>() == "accepted").Select(x => x!["id"]!.GetValue<string>()));
        }

        Assert.Equal(Requests * EventsPerRequest, accepted.Count);
        if (sentBeforeKill > 0)
        {
            await Eventually.HoldsAsync(async () => await LedgerCountAsync(run) >= sentBeforeKill, TimeSpan.FromSeconds(60), "sending never started");
        }

        await _system.KillAndRestartSiloAsync(async () =>
            Assert.True(await LedgerCountAsync(run) < accepted.Count, "Everything was sent before the kill; the test proves nothing. Slow the fake down."));

        // The logs' and batchers' reminders (one-minute period) bring every unsettled event back.
        await Eventually.HoldsAsync(async () => await LedgerCountAsync(run) >= accepted.Count, TimeSpan.FromMinutes(4),
            "not every accepted event's message reached the provider");
        // Every event says which message it became, and that message is settled: nothing is still on its way that could arrive twice.
        var messageIds = await Task.WhenAll(accepted.Select(id => http.WaitForTriggerAsync(id, "sent")));
        static bool Settled(JsonObject m) => m["status"]!.GetValue<string>() is "sent" or "delivered";
        await Eventually.ReturnsAsync(
            () => Task.WhenAll(messageIds.Select(async e => await (await http.GetAsync($"/v1/messages/{e["triggers"]![0]!["messageId"]!.GetValue<string>()}")).Json(HttpStatusCode.OK))),
            messages => messages.All(Settled), timeoutMs: 90_000, pollMs: 500,
            describe: messages => $"one message not recorded as sent: {messages.First(m => !Settled(m)).ToJsonString()}");

        var bodies = await _system.LedgerBodiesAsync(run);
        Assert.Equal(accepted.Count, messageIds.Select(e => e["triggers"]![0]!["messageId"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(accepted.Select(id => $"Hi Ana, case {id} is open.").Order(), bodies.Distinct().Order());
        Assert.Empty(bodies.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    private async Task<int> LedgerCountAsync(string run) => (await _system.LedgerBodiesAsync(run)).Count;
}
