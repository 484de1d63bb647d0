using Outbound.Tests.Providers;

namespace Outbound.Tests.Hosting;

/// <summary>What <c>kubectl apply -k deploy/kubernetes</c> does to a running cluster.</summary>
public sealed class DeploymentManifestTests
{
    private static readonly string Kubernetes = Path.Combine(ProviderTestPaths.RepoRoot, "deploy", "kubernetes");

    [Fact]
    public void Applying_the_kustomization_never_replaces_the_real_secret()
    {
        var applied = Resources().Select(file => (file, text: File.ReadAllText(Path.Combine(Kubernetes, file)))).ToList();

        Assert.NotEmpty(applied);
        Assert.All(applied, r => Assert.DoesNotMatch(@"(?m)^kind:\s*Secret\s*$", r.text));
        Assert.DoesNotContain("secretGenerator", File.ReadAllText(Path.Combine(Kubernetes, "kustomization.yaml")));
    }

    [Fact]
    public void Only_gateways_reach_the_silo_gateway_port_and_only_silos_the_silo_port()
    {
        Assert.Contains("network-policy.yaml", Resources());
        var policy = File.ReadAllText(Path.Combine(Kubernetes, "network-policy.yaml"));

        Assert.Matches(@"component: silo \} \}\s*ports:\s*- \{ protocol: TCP, port: 11111 \}", policy);
        Assert.Matches(@"component: gateway \} \}\s*ports:\s*- \{ protocol: TCP, port: 30000 \}", policy);
        Assert.Contains("name: default-deny-ingress", policy);
    }

    /// <summary>The files listed under <c>resources:</c> in the kustomization.</summary>
    private static List<string> Resources() =>
        [.. File.ReadAllLines(Path.Combine(Kubernetes, "kustomization.yaml"))
            .SkipWhile(line => !line.StartsWith("resources:", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => line.StartsWith("  - ", StringComparison.Ordinal))
            .Select(line => line[4..].Trim())];
}
