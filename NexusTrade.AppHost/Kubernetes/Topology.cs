using k8s;
using k8s.Models;

namespace NexusTrade.AppHost.Kubernetes;

/// <summary>Where each resource runs in the cluster, and how other pods reach it.</summary>
public static class Topology
{
    public const string MonitoringNamespace = "monitoring";
    public const string ApplicationNamespace = "nexustrade";

    /// <summary>Only in Kubernetes: cluster object metrics have no counterpart in the local stack.</summary>
    public const string KubeStateMetrics = "kube-state-metrics";

    /// <summary>The vendor and notification simulators: deployed only when <c>IncludeSimulators</c> is set.</summary>
    public static readonly IReadOnlySet<string> Simulators = new HashSet<string> { "marketfeed-primary", "marketfeed-secondary", "alert-inbox" };

    /// <summary>Namespace nexustrade; everything else is monitoring.</summary>
    private static readonly HashSet<string> Application = ["api", "redis", .. Simulators];

    public static string NamespaceOf(string resource) => Application.Contains(resource) ? ApplicationNamespace : MonitoringNamespace;

    /// <summary>The Service's DNS name, qualified with its namespace so that it resolves from either namespace.</summary>
    public static string ServiceHost(string resource) => $"{resource}.{NamespaceOf(resource)}.svc";

    public static string ServiceUrl(string resource, int port) => $"http://{ServiceHost(resource)}:{port}";

    public static IEnumerable<V1Namespace> Namespaces() =>
    [
        // The application meets the "restricted" Pod Security Standard, and the namespace enforces it.
        Namespace(ApplicationNamespace, "application", "restricted"),
        // node-exporter needs the host's PID and network namespaces and its root filesystem, which only "privileged"
        // admits; every other monitoring pod is hardened as if "restricted" applied (the tests check it).
        Namespace(MonitoringNamespace, "monitoring", "privileged"),
    ];

    private static V1Namespace Namespace(string name, string component, string podSecurity)
    {
        var meta = ManifestBuilder.Metadata(name, null, new Identity(name, name, component));
        meta.Labels["pod-security.kubernetes.io/enforce"] = podSecurity;
        return new V1Namespace { Metadata = meta }.Initialize();
    }
}
