using Microsoft.Extensions.Configuration;
using Outbound.Grains.Providers.Acs;

namespace Outbound.Tests.Providers;

/// <summary>Which ACS endpoints a channel may name: the silo calls them, so only ACS resources (and loopback where allowed).</summary>
public sealed class AcsEndpointPolicyTests
{
    private static AcsEndpointPolicy Policy(bool isDevelopment = false, params (string Key, string Value)[] settings) =>
        AcsEndpointPolicy.From(
            new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build(),
            isDevelopment);

    [Theory]
    [InlineData("https://contoso.communication.azure.com/")]
    [InlineData("https://contoso.unitedstates.communication.azure.com")]
    [InlineData("https://CONTOSO.Communication.Azure.com/")]
    public void An_acs_resource_is_allowed(string endpoint) => Assert.True(Policy().Allows(endpoint));

    [Theory]
    [InlineData("http://contoso.communication.azure.com/")]
    [InlineData("https://communication.azure.com/")]
    [InlineData("https://contoso.communication.azure.com.attacker.example/")]
    [InlineData("https://attacker-communication.azure.com/")]
    [InlineData("https://contoso.communication.azure.com:8443/")]
    [InlineData("https://user@contoso.communication.azure.com/")]
    [InlineData("https://contoso.communication.azure.com/some/path")]
    [InlineData("https://169.254.169.254/")]
    [InlineData("https://10.0.0.5/")]
    [InlineData("https://example.com/")]
    [InlineData("http://127.0.0.1:8090/")]
    [InlineData("http://localhost/")]
    [InlineData("not a url")]
    [InlineData("")]
    public void Anything_else_is_refused_in_production(string endpoint) => Assert.False(Policy().Allows(endpoint));

    [Fact]
    public void Loopback_is_allowed_in_development_or_when_configured_and_then_only_loopback()
    {
        Assert.True(Policy(isDevelopment: true).Allows("http://127.0.0.1:8090/"));
        Assert.True(Policy(settings: (AcsEndpointPolicy.AllowLoopbackKey, "true")).Allows("http://localhost:8090/"));
        Assert.False(Policy(isDevelopment: true, (AcsEndpointPolicy.AllowLoopbackKey, "false")).Allows("http://127.0.0.1:8090/"));
        Assert.False(Policy(isDevelopment: true).Allows("http://10.0.0.5:8090/"));
    }

    [Fact]
    public void The_allowed_hosts_come_from_configuration()
    {
        var policy = Policy(settings: (AcsEndpointPolicy.AllowedHostsKey, "acs.contoso.example, *.sovereign.example"));

        Assert.True(policy.Allows("https://acs.contoso.example/"));
        Assert.True(policy.Allows("https://r1.sovereign.example/"));
        Assert.False(policy.Allows("https://contoso.communication.azure.com/"));
    }
}
