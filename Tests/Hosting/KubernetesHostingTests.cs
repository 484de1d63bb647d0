using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using Outbound.Silo.Kubernetes;

namespace Outbound.Tests.Hosting;

/// <summary>Orleans' Kubernetes hosting runs in a pod only: anywhere else it would stop the silo at start.</summary>
public sealed class KubernetesHostingTests
{
    [Theory]
    [InlineData("10.96.0.1", "outbound", true)]
    [InlineData(null, "outbound", false)]
    [InlineData("10.96.0.1", null, false)]
    [InlineData("", "", false)]
    public void A_silo_is_in_a_pod_when_kubernetes_and_the_manifest_both_say_so(string? serviceHost, string? podNamespace, bool inPod)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KUBERNETES_SERVICE_HOST"] = serviceHost,
            ["POD_NAMESPACE"] = podNamespace,
        }).Build();

        Assert.Equal(inPod, KubernetesHosting.RunsInPod(configuration));
    }

    [Fact]
    public void Outside_a_pod_the_silo_runs_without_kubernetes_hosting()
    {
        using var silo = CreateSilo([]);

        Assert.Empty(silo.Services.GetServices<IValidateOptions<KubernetesHostingOptions>>());
    }

    [Fact]
    public void In_a_pod_the_silo_runs_with_kubernetes_hosting_and_advertises_its_pod_ip_under_its_configured_ids()
    {
        using var silo = CreateSilo([("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("POD_NAMESPACE", "outbound"), ("POD_NAME", "silo-0"),
            ("POD_IP", "10.1.2.3"), ("ORLEANS_SERVICE_ID", "outbound"), ("ORLEANS_CLUSTER_ID", "outbound-blue")]);

        Assert.NotEmpty(silo.Services.GetServices<IValidateOptions<KubernetesHostingOptions>>());
        // Never a Service VIP nor loopback: other silos and the gateways dial the pod itself.
        var endpoints = silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse("10.1.2.3"), endpoints.AdvertisedIPAddress);
        Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint?.Address);
        Assert.Equal(IPAddress.Any, endpoints.GatewayListeningEndpoint?.Address);
        var cluster = silo.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("outbound", "outbound-blue"), (cluster.ServiceId, cluster.ClusterId));
    }

    /// <summary>Builds the silo's host from the given environment, without starting it.</summary>
    private static WebApplication CreateSilo((string Key, string Value)[] environment) => Silo.Program.Create([], b =>
        b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ADMIN_KEY"] = OutboundSystem.AdminKey,
            ["SIGNING_KEYS"] = OutboundSystem.SigningKey,
            ["DATA_PROTECTION_KEK"] = OutboundSystem.DataProtectionKek,
        }.Concat(environment.Select(e => KeyValuePair.Create(e.Key, (string?)e.Value)))));
}
