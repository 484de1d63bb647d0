using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Hosting;

[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HostingTests(OutboundSystem system)
{
    [Theory]
    [InlineData("/health/startup")]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task The_silo_answers_its_probes(string path)
    {
        using var http = new HttpClient { BaseAddress = system.SiloUrl };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_requires_the_admin_key()
    {
        using var http = new HttpClient { BaseAddress = system.SiloUrl };
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        wrong.Headers.Authorization = Basic("admin", "guess");
        using var right = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        right.Headers.Authorization = Basic("admin", OutboundSystem.AdminKey);

        var anonymous = await http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_does_not_show_grain_state_even_to_the_operator()
    {
        using var http = new HttpClient { BaseAddress = system.SiloUrl };
        http.DefaultRequestHeaders.Authorization = Basic("admin", OutboundSystem.AdminKey);

        var state = await http.GetAsync("/dashboard/GrainState?grainId=x&grainType=Outbound.Grains.Channels.ChannelGrain");

        Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/dashboard/ClusterStats")).StatusCode);
    }

    [Fact]
    public async Task The_gateway_serves_its_openapi_document()
    {
        using var http = system.Anonymous();

        var document = await http.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/v1/outbound-configurations/{configurationId}/render", document);
        Assert.Contains("/v1/templates/{id}/render", document);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var http = system.Anonymous();

        var response = await http.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
