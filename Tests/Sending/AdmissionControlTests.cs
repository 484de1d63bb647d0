using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>A silo with room for one message whose first provider attempt is not over (SEND_BACKLOG_LIMIT).</summary>
public sealed class AdmissionSystem() : OutboundSystem(("SEND_BACKLOG_LIMIT", 1));

[CollectionDefinition(Name)]
public sealed class AdmissionCollection : ICollectionFixture<AdmissionSystem>
{
    public const string Name = "admission";
}

/// <summary>
/// Admission control: while an org holds its share of the silo's delivery backlog, its send is refused with 503 +
/// Retry-After and nothing is stored or counted, so the integrator's repeat (same Idempotency-Key) is accepted once
/// there is room; another org's send is not held back by it.
/// </summary>
[Collection(AdmissionCollection.Name)]
[Trait("Category", "Integration")]
public sealed class AdmissionControlTests(AdmissionSystem system)
{
    [Fact]
    public async Task A_full_backlog_refuses_a_send_with_503_and_retry_after_and_its_repeat_is_accepted_later()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N");
        HttpRequestMessage Send(string caseName, string idempotencyKey) => SendOne(configuration, $"{run}-{caseName}", idempotencyKey);

        // The first message's provider call takes seconds: meanwhile it fills the backlog.
        await system.Providers.SetFaultsAsync(new { latencyMs = 4_000 });
        HttpResponseMessage first, refused;
        try
        {
            first = await org.Http.SendAsync(Send("first", $"{run}-first"));
            refused = await org.Http.SendAsync(Send("second", $"{run}-second"));
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }

        var firstId = (await first.Json(HttpStatusCode.Accepted))["results"]![0]!["messageId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);

        await org.Http.WaitForMessageAsync(firstId, "sent", "delivered");
        var repeated = await org.Http.SendAsync(Send("second", $"{run}-second"));

        var secondId = (await repeated.Json(HttpStatusCode.Accepted))["results"]![0]!["messageId"]!.GetValue<string>();
        Assert.False(repeated.Headers.Contains("Idempotent-Replayed"));
        // The refusal took nothing from the hourly quota.
        Assert.Equal(
            int.Parse(first.Headers.GetValues("RateLimit-Remaining").Single()) - 1,
            int.Parse(repeated.Headers.GetValues("RateLimit-Remaining").Single()));
        await org.Http.WaitForMessageAsync(secondId, "sent", "delivered");
        var ledger = (await system.Providers.LedgerAsync()).Select(r => r.GetProperty("body").GetString()!).Where(b => b.Contains(run)).ToList();
        Assert.Equal(2, ledger.Count);
    }

    [Fact]
    public async Task A_tenant_whose_sends_fill_the_backlog_does_not_keep_another_tenant_out()
    {
        var bulk = await system.CreateOrgAsync();
        var other = await system.CreateOrgAsync();
        var (_, _, bulkConfiguration) = await bulk.Http.CreateSmsSetupAsync();
        var (_, _, otherConfiguration) = await other.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N");

        await system.Providers.SetFaultsAsync(new { latencyMs = 4_000 });
        HttpResponseMessage filling, bulkAgain, otherFirst;
        try
        {
            filling = await bulk.Http.SendAsync(SendOne(bulkConfiguration, $"{run}-bulk-1", $"{run}-bulk-1"));
            otherFirst = await other.Http.SendAsync(SendOne(otherConfiguration, $"{run}-other-1", $"{run}-other-1"));
            bulkAgain = await bulk.Http.SendAsync(SendOne(bulkConfiguration, $"{run}-bulk-2", $"{run}-bulk-2"));
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.Accepted, filling.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, otherFirst.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, bulkAgain.StatusCode);
    }

    private static HttpRequestMessage SendOne(Guid configuration, string caseName, string idempotencyKey) =>
        new(HttpMethod.Post, $"/v1/outbound-configurations/{configuration}/send")
        {
            Content = JsonContent.Create(new
            {
                contacts = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["tocontactid"] = "+14155550142",
                        ["optin"] = true,
                        ["contextitems"] = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = caseName },
                    },
                },
            }),
            Headers = { { "Idempotency-Key", idempotencyKey } },
        };
}
