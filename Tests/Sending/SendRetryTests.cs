using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>Provider errors and throttling delay messages; they never lose or duplicate them.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SendRetryTests(OutboundSystem system)
{
    [Fact]
    public async Task Under_server_errors_and_throttling_every_message_ends_sent_exactly_once()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N");
        var contacts = Enumerable.Range(0, 40).Select(i => new Dictionary<string, object?>
        {
            ["tocontactid"] = "+14155550142",
            ["optin"] = true,
            ["contextitems"] = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{run}-{i}" },
        }).ToArray();

        await system.Providers.SetFaultsAsync(new { retryable = 0.2, throttled = 0.1, retryAfterSeconds = 1, seed = 7 });
        try
        {
            var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new { contacts }))
                .Json(HttpStatusCode.Accepted);
            var ids = response["results"]!.AsArray().Select(r => r!["messageId"]!.GetValue<string>()).ToArray();

            var messages = await Task.WhenAll(ids.Select(id => org.Http.WaitForMessageAsync(id, "sent", "delivered")));

            // The faults really were hit: some messages needed more than one attempt.
            Assert.True(messages.Sum(m => m["attempts"]!.GetValue<int>()) > ids.Length);
            var ledger = (await system.Providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run)).ToList();
            Assert.Equal(40, ledger.Count);
            Assert.Equal(40, ledger.Distinct().Count());
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }
    }
}
