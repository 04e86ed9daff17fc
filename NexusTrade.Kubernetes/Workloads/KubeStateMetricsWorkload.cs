using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>
/// kube-state-metrics: metrics of the cluster's objects. Not part of the local stack, so not in the app model: it is
/// published as Prometheus's companion, in Prometheus's namespace, and admits only Prometheus.
/// </summary>
public static class KubeStateMetricsWorkload
{
    /// <summary>A component of the cluster only: no host mode, no offline image.</summary>
    public static readonly InfrastructureComponent Component = new("kube-state-metrics")
    {
        PinnedImage = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0",
        User = RuntimeUser.Nobody,
        Port = 8080,
        Budget = new("20m", "64Mi", "200m", "256Mi"),
    };

    public static string Name => Component.Name;

    /// <summary>
    /// The object kinds kube-state-metrics reports on (--resources) and may read (ClusterRole): what the rules and the
    /// Kubernetes dashboard use, and nothing that holds data (no Secrets or ConfigMaps).
    /// </summary>
    private static readonly (string ApiGroup, string Resource)[] Resources =
    [
        ("", "pods"), ("", "nodes"), ("", "namespaces"), ("", "services"), ("", "persistentvolumeclaims"), ("", "persistentvolumes"),
        ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"),
        ("batch", "jobs"), ("batch", "cronjobs"),
        ("autoscaling", "horizontalpodautoscalers"), ("policy", "poddisruptionbudgets"),
    ];

    /// <summary>Its scrape job: it describes other pods, so their namespace and pod labels win (honor_labels).</summary>
    public static ServiceScrapeJob ScrapeJob(ComponentSpec prometheus) => new(Name, Name, prometheus.Deployment.Namespace, EndpointNames.Http, HonorLabels: true);

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec prometheus, PublishContext context)
    {
        var identity = new Identity(Name, prometheus.Deployment.Namespace, "exporter");
        var metrics = Port(EndpointNames.Http, Component.Port);
        var telemetry = Port("telemetry", 8081);
        var container = Harden(new V1Container
        {
            Name = identity.Name,
            Image = context.Options.Images.Resolve(Component.Image).Reference,
            Args =
            [
                $"--port={metrics.ContainerPort}",
                $"--telemetry-port={telemetry.ContainerPort}",
                "--resources=" + string.Join(',', Resources.Select(r => r.Resource)),
            ],
            Ports = [metrics, telemetry],
            ReadinessProbe = HttpProbe("/readyz", telemetry.Name),
            LivenessProbe = HttpProbe("/livez", metrics.Name, failureThreshold: 6),
        }, Component.Budget);

        var template = PodTemplate(identity, Component.User, [container], serviceAccount: identity.Name);
        return
        [
            ServiceAccount(identity),
            .. ClusterAccess(identity, Resources
                .GroupBy(r => r.ApiGroup)
                .Select(group => new V1PolicyRule { ApiGroups = [group.Key], Resources = group.Select(r => r.Resource).ToList(), Verbs = ["list", "watch"] })),
            Deployment(identity, template),
            Service(identity, [metrics, telemetry], headless: true),
            NetworkPolicies.AllowIngress(identity, [metrics, telemetry], NetworkPolicies.PodsOf(prometheus.Resource)),
        ];
    }
}
