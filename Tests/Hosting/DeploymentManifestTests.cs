using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Outbound.Silo;
using Outbound.Silo.Kubernetes;
using Outbound.Tests.Providers;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Outbound.Tests.Hosting;

/// <summary>
/// What <c>kubectl apply -k deploy/kubernetes</c> does to a running cluster, read from the manifests as kustomize
/// renders them (<c>kubectl kustomize</c>; ./test.sh provides a kubectl and also checks them against the API schemas).
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly string Kubernetes = Path.Combine(ProviderTestPaths.RepoRoot, "deploy", "kubernetes");
    private static readonly Lazy<IReadOnlyList<JsonObject>> RenderedResources = new(() => Render(Kubernetes));

    [Fact]
    public void Applying_the_kustomization_never_replaces_the_real_secret()
    {
        Assert.NotEmpty(Rendered);
        Assert.DoesNotContain(Rendered, r => Str(r["kind"]) == "Secret");
        Assert.DoesNotContain("secretGenerator", File.ReadAllText(Path.Combine(Kubernetes, "kustomization.yaml")));
    }

    [Fact]
    public void Silo_pods_carry_the_orleans_labels_of_the_ids_the_silos_run_with()
    {
        var silo = PodSpec("silo");
        var settings = SiloSettings.From(new ConfigurationBuilder().AddInMemoryCollection(EnvironmentOf(silo)).Build());

        var labels = Template("silo")["metadata"]!["labels"]!;
        Assert.Equal(settings.ServiceId, Str(labels["orleans/serviceId"]));
        Assert.Equal(settings.ClusterId, Str(labels["orleans/clusterId"]));
        // Not the development defaults: the ids come from the manifests' ConfigMap.
        Assert.Equal(Str(Resource("ConfigMap", "outbound")["data"]!["ORLEANS_CLUSTER_ID"]), settings.ClusterId);
    }

    [Fact]
    public void Silo_pods_learn_their_name_namespace_and_address_from_the_downward_api_which_turns_kubernetes_hosting_on()
    {
        var env = Container("silo")["env"]!.AsArray();
        string? FieldOf(string name) => Str(env.Single(e => Str(e!["name"]) == name)!["valueFrom"]!["fieldRef"]!["fieldPath"]);

        Assert.Equal("metadata.name", FieldOf("POD_NAME"));
        Assert.Equal("metadata.namespace", FieldOf("POD_NAMESPACE"));
        Assert.Equal("status.podIP", FieldOf("POD_IP"));
        // Kubernetes adds KUBERNETES_SERVICE_HOST to every container; with the manifest's POD_NAMESPACE, the silo is in a pod.
        var inPod = new ConfigurationBuilder().AddInMemoryCollection(EnvironmentOf(PodSpec("silo")))
            .AddInMemoryCollection([new("KUBERNETES_SERVICE_HOST", "10.96.0.1")]).Build();
        Assert.True(KubernetesHosting.RunsInPod(inPod));
    }

    [Fact]
    public void Silos_may_read_watch_and_label_pods_and_nothing_more()
    {
        var role = Resource("Role", "silo-pods");
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal([""], Strings(rule["apiGroups"]));
        Assert.Equal(["pods"], Strings(rule["resources"]));
        Assert.Equal(["get", "list", "patch", "watch"], Strings(rule["verbs"]).Order());

        var binding = Resource("RoleBinding", "silo-pods");
        Assert.Equal("silo-pods", Str(binding["roleRef"]!["name"]));
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(("ServiceAccount", "silo"), (Str(subject["kind"]), Str(subject["name"])));
        Assert.NotNull(Resource("ServiceAccount", "silo"));

        Assert.Equal("silo", Str(PodSpec("silo")["serviceAccountName"]));
        Assert.Equal("true", Str(PodSpec("silo")["automountServiceAccountToken"]));
        // Gateways call no Kubernetes API: no token in their pods.
        Assert.Equal("false", Str(PodSpec("gateway")["automountServiceAccountToken"]));
    }

    [Theory]
    [InlineData("silo", "startupProbe", "/health/startup")]
    [InlineData("silo", "readinessProbe", "/health/ready")]
    [InlineData("silo", "livenessProbe", "/health/live")]
    [InlineData("gateway", "startupProbe", "/health/startup")]
    [InlineData("gateway", "readinessProbe", "/health/ready")]
    [InlineData("gateway", "livenessProbe", "/health/live")]
    public void Pods_are_probed_on_the_health_endpoints_of_their_http_port(string component, string probe, string path)
    {
        var get = Container(component)[probe]!["httpGet"]!;

        Assert.Equal(path, Str(get["path"]));
        Assert.Equal("http", Str(get["port"]));
        Assert.Contains(Container(component)["ports"]!.AsArray(), p => Str(p!["name"]) == "http");
    }

    [Fact]
    public void Voluntary_disruptions_leave_two_silos_and_a_silo_has_time_to_leave_the_cluster_gracefully()
    {
        var budget = Resource("PodDisruptionBudget", "silo");
        Assert.Equal("2", Str(budget["spec"]!["minAvailable"]));
        Assert.True(Selects(budget["spec"]!["selector"]!["matchLabels"]!, "silo"));

        // The host stops within 120 s (Silo/Program.cs); Kubernetes must not kill it before.
        Assert.True(int.Parse(Str(PodSpec("silo")["terminationGracePeriodSeconds"])!) > 120);
        Assert.Equal("0", Str(Resource("Deployment", "silo")["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void Silos_and_gateways_scale_on_cpu_and_the_autoscaler_alone_sets_their_count(string component)
    {
        var hpa = Resource("HorizontalPodAutoscaler", component);
        Assert.Equal("autoscaling/v2", Str(hpa["apiVersion"]));
        var target = hpa["spec"]!["scaleTargetRef"]!;
        Assert.Equal(("Deployment", component), (Str(target["kind"]), Str(target["name"])));
        var metric = Assert.Single(hpa["spec"]!["metrics"]!.AsArray())!;
        Assert.Equal("cpu", Str(metric["resource"]!["name"]));
        Assert.NotNull(Container(component)["resources"]!["requests"]!["cpu"]);

        // minReplicas above the disruption budget: an eviction is always possible.
        var min = int.Parse(Str(hpa["spec"]!["minReplicas"])!);
        Assert.True(min > int.Parse(Str(Resource("PodDisruptionBudget", component)["spec"]!["minAvailable"])!));
        Assert.True(int.Parse(Str(hpa["spec"]!["maxReplicas"])!) > min);
        // A replica count in the Deployment would undo the autoscaler's on every apply.
        Assert.Null(Resource("Deployment", component)["spec"]!["replicas"]);
    }

    [Theory]
    [InlineData("/v1")]
    [InlineData("/v1/callbacks")]
    [InlineData("/")]
    public void The_ingress_routes_the_api_the_callbacks_and_the_console_to_the_gateways(string path)
    {
        var rule = Assert.Single(Resource("Ingress", "outbound")["spec"]!["rules"]!.AsArray())!;
        var route = Assert.Single(rule["http"]!["paths"]!.AsArray(), p => Str(p!["path"]) == path)!;

        Assert.Equal("Prefix", Str(route["pathType"]));
        Assert.Equal("gateway", Str(route["backend"]!["service"]!["name"]));
        Assert.Equal("http", Str(route["backend"]!["service"]!["port"]!["name"]));
        // Callback URLs are signed over PUBLIC_BASE_URL: the ingress must answer on that host.
        Assert.Equal(new Uri(Str(Resource("ConfigMap", "outbound")["data"]!["PUBLIC_BASE_URL"])!).Host, Str(rule["host"]));
        var service = Resource("Service", "gateway");
        Assert.True(Selects(service["spec"]!["selector"]!, "gateway"));
        Assert.Contains(service["spec"]!["ports"]!.AsArray(), p => Str(p!["name"]) == "http" && Str(p["targetPort"]) == "http");
    }

    [Fact]
    public void Only_gateways_reach_the_silo_gateway_port_and_only_silos_the_silo_port()
    {
        var denyAll = Resource("NetworkPolicy", "default-deny-ingress");
        Assert.Empty(denyAll["spec"]!["podSelector"]!.AsObject());
        Assert.Null(denyAll["spec"]!["ingress"]);

        var silo = Resource("NetworkPolicy", "silo");
        Assert.True(Selects(silo["spec"]!["podSelector"]!["matchLabels"]!, "silo"));
        var rules = silo["spec"]!["ingress"]!.AsArray();
        JsonNode? From(string port) => rules.Single(r => r!["ports"]!.AsArray().Any(p => Str(p!["port"]) == port))!["from"];
        Assert.Equal("silo", Str(Assert.Single(From("11111")!.AsArray())!["podSelector"]!["matchLabels"]!["component"]));
        Assert.Equal("gateway", Str(Assert.Single(From("30000")!.AsArray())!["podSelector"]!["matchLabels"]!["component"]));
        // The HTTP port (probes, dashboard, metrics) has no "from": the kubelet and the scraper reach it.
        Assert.Null(From("8081"));
    }

    private static IReadOnlyList<JsonObject> Rendered => RenderedResources.Value;

    private static JsonObject Resource(string kind, string name) =>
        Rendered.SingleOrDefault(r => Str(r["kind"]) == kind && Str(r["metadata"]!["name"]) == name)
        ?? throw new Xunit.Sdk.XunitException($"kubectl kustomize renders no {kind} named {name}.");

    private static JsonNode Template(string component) => Resource("Deployment", component)["spec"]!["template"]!;

    private static JsonNode PodSpec(string component) => Template(component)["spec"]!;

    private static JsonNode Container(string component) => Assert.Single(PodSpec(component)["containers"]!.AsArray())!;

    /// <summary>True when the labels select the component's pods (they match its pod template's labels).</summary>
    private static bool Selects(JsonNode matchLabels, string component)
    {
        var podLabels = Template(component)["metadata"]!["labels"]!.AsObject();
        return matchLabels.AsObject().All(l => podLabels.TryGetPropertyValue(l.Key, out var v) && Str(v) == Str(l.Value));
    }

    /// <summary>
    /// The settings a container sees from its manifest: its ConfigMaps, plain values and placeholders for the
    /// Secret (whose real values are made out of band) and for downward-API fields.
    /// </summary>
    private static Dictionary<string, string?> EnvironmentOf(JsonNode podSpec)
    {
        var container = Assert.Single(podSpec["containers"]!.AsArray())!;
        var environment = new Dictionary<string, string?>
        {
            ["ADMIN_KEY"] = OutboundSystem.AdminKey,
            ["SIGNING_KEYS"] = OutboundSystem.SigningKey,
        };
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            if (Str(source!["configMapRef"]?["name"]) is { } configMap)
            {
                foreach (var (key, value) in Resource("ConfigMap", configMap)["data"]!.AsObject())
                {
                    environment[key] = Str(value);
                }
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            environment[Str(variable!["name"])!] = Str(variable["value"]) ?? (Str(variable["valueFrom"]?["fieldRef"]?["fieldPath"]) switch
            {
                "status.podIP" => "10.1.2.3",
                "metadata.namespace" => "outbound",
                var field => field,
            });
        }

        return environment;
    }

    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    private static string[] Strings(JsonNode? node) => [.. node!.AsArray().Select(n => Str(n)!)];

    /// <summary>Runs <c>kubectl kustomize</c> (<c>KUBECTL</c>, or the one on PATH) and reads each resource as JSON.</summary>
    private static IReadOnlyList<JsonObject> Render(string directory)
    {
        var kubectl = Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } k ? k : "kubectl";
        var start = new ProcessStartInfo(kubectl, ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run {kubectl} ({e.Message}): ./test.sh installs one, or install kubectl 1.27 or later.", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var yaml = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{kubectl} kustomize failed: {stderr.Result}");

            var deserializer = new DeserializerBuilder().Build();
            var json = new SerializerBuilder().JsonCompatible().Build();
            var parser = new Parser(new StringReader(yaml));
            parser.Consume<StreamStart>();
            var resources = new List<JsonObject>();
            while (parser.Accept<DocumentStart>(out _))
            {
                if (deserializer.Deserialize<object?>(parser) is { } document)
                {
                    resources.Add(JsonNode.Parse(json.Serialize(document))!.AsObject());
                }
            }

            return resources;
        }
    }
}
