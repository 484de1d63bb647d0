using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>The hourly quota is one count per org, however many gateways and clients send at once.</summary>
[Trait("Category", "Integration")]
public sealed class QuotaAcrossGatewaysTests : IAsyncLifetime
{
    private const int Limit = 300;
    private const int Clients = 8;
    private const int RequestsPerClient = 40;

    private readonly OutboundSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task Eight_clients_on_two_gateways_get_exactly_the_orgs_limit()
    {
        var org = await _system.CreateOrgAsync();
        using var admin = _system.Admin();
        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = Limit })).Json(HttpStatusCode.OK);
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var gateways = new[] { _system.GatewayUrl, await _system.StartAnotherGatewayAsync() };

        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = gateways[i % gateways.Length] };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", org.ApiKey);
            var codes = new List<HttpStatusCode>();
            for (var r = 0; r < RequestsPerClient; r++)
            {
                var response = await http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
                {
                    contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{i}-{r}" } } },
                });
                codes.Add(response.StatusCode);
            }

            return codes;
        }));
        var all = (await Task.WhenAll(clients)).SelectMany(c => c).ToList();

        Assert.Equal(Limit, all.Count(c => c == HttpStatusCode.Accepted));
        Assert.Equal(Clients * RequestsPerClient - Limit, all.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Requests_refused_for_the_quota_leave_no_delivery_reminder_behind()
    {
        const int limit = 3;
        var org = await _system.CreateOrgAsync();
        using var admin = _system.Admin();
        await (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 100, maxRequestsPerHour = limit })).Json(HttpStatusCode.OK);
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        // Concurrent requests all see quota left and register their reminder alongside the quota's decision.
        var codes = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i => (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = $"{i}" } } },
        })).StatusCode));

        Assert.Equal(limit, codes.Count(c => c == HttpStatusCode.Accepted));
        // The accepted batches' reminders go once they are delivered; a refused one's would stay until its first
        // tick, a minute later: the wait allows a busy test run, and stays well under that minute.
        await Eventually.ReturnsAsync(() => DeliveryRemindersOfAsync(org.OrgId), count => count == 0, timeoutMs: 30_000);
    }

    private async Task<int> DeliveryRemindersOfAsync(Guid orgId)
    {
        var reminders = new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient("OrleansReminders");
        var count = 0;
        // A batch's key starts with its org (MessageIds.BatchKey).
        await foreach (var row in reminders.QueryAsync<TableEntity>($"ServiceId eq '{_system.ServiceId}' and ReminderName eq 'deliver'"))
        {
            count += row.GetString("GrainReference")?.Contains($"{orgId:D}/") == true ? 1 : 0;
        }

        return count;
    }
}
