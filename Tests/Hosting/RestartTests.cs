using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Hosting;

/// <summary>Its own system, because it restarts the silo under the gateway.</summary>
[Trait("Category", "Integration")]
public sealed class RestartTests : IAsyncLifetime
{
    private readonly OutboundSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task The_catalog_survives_a_silo_restart()
    {
        var org = await _system.CreateOrgAsync();
        var (_, template, configuration) = await org.Http.CreateSmsSetupAsync();

        await _system.RestartSiloAsync();

        var render = Api.Render("en-US", ("CustomerName", "Ana"), ("CaseName", "CAS-1"));
        var rendered = await Eventually(() => org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/render", render));
        Assert.Equal("Hi Ana, case CAS-1 is open.", (await rendered.Json(HttpStatusCode.OK))["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await org.Http.GetAsync($"/v1/templates/{template}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await org.Http.GetAsync("/v1/org")).StatusCode);
    }

    [Fact]
    public async Task Stored_state_names_no_clr_types_so_renaming_a_state_class_keeps_it_readable()
    {
        var org = await _system.CreateOrgAsync();
        await org.Http.CreateSmsSetupAsync();

        var table = new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient("Catalog");
        var rows = table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(_system.ServiceId) >= 0 && e.PartitionKey.CompareTo(_system.ServiceId + "~") < 0);
        var count = 0;
        await foreach (var row in rows)
        {
            count++;
            foreach (var value in row.Select(property => property.Value).OfType<string>())
            {
                Assert.DoesNotContain("$type", value);
                Assert.DoesNotContain("Outbound.Grains", value);
            }
        }

        Assert.True(count >= 5, $"Expected the org, channel, template, configuration and index rows; found {count}.");
    }

    /// <summary>The gateway reconnects to the new silo within seconds; retry until it has.</summary>
    private static async Task<HttpResponseMessage> Eventually(Func<Task<HttpResponseMessage>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var response = await call();
                if (response.StatusCode != HttpStatusCode.InternalServerError && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return response;
                }

                if (DateTime.UtcNow > deadline)
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(250);
        }
    }
}
