using Orleans.Hosting.Kubernetes;

namespace Outbound.Silo.Kubernetes;

/// <summary>
/// Orleans' Kubernetes hosting, inside a pod only: the silo labels its own pod with the cluster and service ids,
/// declares dead a silo whose pod is gone without waiting for missed probes, and names itself after its pod.
/// Outside a pod it would stop the process (it needs the pod's namespace), so local runs and tests go without it.
/// </summary>
public static class KubernetesHosting
{
    /// <summary>
    /// True inside a Kubernetes pod whose manifest passes the pod's namespace down (the downward API):
    /// Kubernetes sets <c>KUBERNETES_SERVICE_HOST</c> in every container, the manifest sets <c>POD_NAMESPACE</c>.
    /// </summary>
    public static bool RunsInPod(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["KUBERNETES_SERVICE_HOST"])
        && !string.IsNullOrEmpty(configuration[KubernetesHostingOptions.PodNamespaceEnvironmentVariable]);

    /// <summary>Adds Orleans' Kubernetes hosting when the silo runs in a pod; does nothing otherwise.</summary>
    /// <remarks>
    /// Call it before the silo's own cluster and endpoint settings: its ids come from the same
    /// <c>ORLEANS_CLUSTER_ID</c> / <c>ORLEANS_SERVICE_ID</c> variables, and the silo's settings, applied after, stay
    /// the one source of them. It advertises <c>POD_IP</c> and listens on every address, as the settings do in a pod.
    /// </remarks>
    public static ISiloBuilder UseKubernetesHostingInPod(this ISiloBuilder silo)
    {
        if (RunsInPod(silo.Configuration))
        {
            silo.UseKubernetesHosting();
        }

        return silo;
    }
}
