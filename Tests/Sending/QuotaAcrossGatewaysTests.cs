using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>The hourly quota is one count per org, however many gateways and clients send at once.</summary>
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
}
