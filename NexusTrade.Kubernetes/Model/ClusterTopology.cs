using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>The two namespaces, and how pods of either reach a component's Service.</summary>
public static class ClusterTopology
{
    public const string MonitoringNamespace = "monitoring";
    public const string ApplicationNamespace = "nexustrade";

    /// <summary>The namespace the resource's annotation names.</summary>
    public static string NamespaceOf(IResource resource) => Deployment(resource).Namespace;

    /// <summary>The Service's DNS name, qualified with its namespace so that it resolves from either namespace.</summary>
    public static string ServiceHost(IResource resource) => $"{resource.Name}.{NamespaceOf(resource)}.svc";

    public static KubernetesDeploymentAnnotation Deployment(IResource resource) => resource.KubernetesDeployment()
        ?? throw new InvalidOperationException(
            $"Resource '{resource.Name}' has no Kubernetes deployment: call a PublishAsKubernetes… extension where it is declared " +
            "(or ExcludeFromManifest() if it has no place in the cluster).");

    public static IEnumerable<V1Namespace> Namespaces() =>
    [
        // The application meets the "restricted" Pod Security Standard, and the namespace enforces it.
        Namespace(ApplicationNamespace, "application", enforce: "restricted"),
        // node-exporter needs the host's PID and network namespaces and its root filesystem, which only "privileged"
        // admits; every other monitoring pod meets "restricted" (the tests check it), and warn and audit at
        // "restricted" report any pod that stops meeting it (node-exporter's own report is expected).
        Namespace(MonitoringNamespace, "monitoring", enforce: "privileged"),
    ];

    /// <summary>The Pod Security Standard every namespace warns and audits at, whatever it enforces.</summary>
    public const string ReportedPodSecurityLevel = "restricted";

    private static V1Namespace Namespace(string name, string component, string enforce)
    {
        var meta = ManifestBuilder.Metadata(name, null, new Identity(name, name, component));
        meta.Labels["pod-security.kubernetes.io/enforce"] = enforce;
        meta.Labels["pod-security.kubernetes.io/warn"] = ReportedPodSecurityLevel;
        meta.Labels["pod-security.kubernetes.io/audit"] = ReportedPodSecurityLevel;
        return new V1Namespace { Metadata = meta }.Initialize();
    }
}
