using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// Accepted means durable: kill the silo with SIGKILL while it is sending, start it again, and every accepted
/// message still reaches the provider exactly once: what the kill interrupted is looked up before it is resent.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SiloCrashTests : IAsyncLifetime
{
    private const int Requests = 20;
    private const int ContactsPerRequest = 100;

    private KillableSystem _system = null!;

    public async Task InitializeAsync() => _system = await KillableSystem.StartAsync("crash", latencyMs: 15);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Every_accepted_message_reaches_the_provider_after_a_sigkill_mid_send()
    {
        using var http = await _system.CreateOrgClientAsync("Crash");
        var (_, _, configuration) = await http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var accepted = new List<string>();
        var posts = Enumerable.Range(0, Requests).Select(r => http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = Enumerable.Range(0, ContactsPerRequest).Select(c => new Dictionary<string, object>
            {
                ["tocontactid"] = "+14155550142",
                ["optin"] = true,
                ["contextitems"] = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{run}-{r}-{c}" },
            }),
        }));
        foreach (var response in await Task.WhenAll(posts))
        {
            var results = (await response.Json(HttpStatusCode.Accepted))["results"]!.AsArray();
            accepted.AddRange(results.Select(x => x!["messageId"]!.GetValue<string>()));
        }

        Assert.Equal(Requests * ContactsPerRequest, accepted.Count);

        // Kill once sending is well under way but far from done.
        await Eventually.HoldsAsync(async () => await LedgerCountAsync() >= 200, TimeSpan.FromSeconds(60), "sending never started");
        await _system.KillAndRestartSiloAsync(async () =>
            Assert.True(await LedgerCountAsync() < accepted.Count, "Everything was sent before the kill; the test proves nothing. Slow the fake down."));

        // The delivery reminders (one-minute period) bring every unfinished batch back.
        await Eventually.HoldsAsync(async () => (await _system.LedgerBodiesAsync(run)).Distinct().Count() >= accepted.Count, TimeSpan.FromMinutes(4),
            "not every accepted message reached the provider");
        var bodies = await _system.LedgerBodiesAsync(run);
        Assert.Equal(accepted.Count, bodies.Distinct().Count());

        // The sends the kill interrupted were looked up at the provider before any went out again: none twice.
        var duplicated = bodies.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        // Sent, or delivered where the provider said so when asked about a send the crash interrupted.
        static bool Settled(System.Text.Json.Nodes.JsonObject m) => m["status"]!.GetValue<string>() is "sent" or "delivered";
        await Eventually.ReturnsAsync(
            () => Task.WhenAll(accepted.Select(async id => await (await http.GetAsync($"/v1/messages/{id}")).Json(HttpStatusCode.OK))),
            messages => messages.All(Settled), timeoutMs: 90_000, pollMs: 500,
            describe: messages => $"one message not recorded as sent: {messages.First(m => !Settled(m)).ToJsonString()}");
        Assert.Empty(duplicated);
    }

    private async Task<int> LedgerCountAsync() => (await _system.Providers.LedgerAsync()).Length;
}
