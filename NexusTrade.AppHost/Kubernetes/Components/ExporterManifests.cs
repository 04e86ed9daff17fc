using k8s;
using k8s.Models;
using NexusTrade.AppHost.Infrastructure;
using static NexusTrade.AppHost.Kubernetes.ManifestBuilder;

namespace NexusTrade.AppHost.Kubernetes.Components;

/// <summary>The exporters: node-exporter on every node, redis-exporter, and kube-state-metrics (cluster objects).</summary>
public static class ExporterManifests
{
    public const string KubeStateMetricsImage = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0";

    private static readonly ResourceBudget NodeExporterBudget = new("20m", "32Mi", "250m", "128Mi");
    private static readonly ResourceBudget RedisExporterBudget = new("10m", "32Mi", "100m", "128Mi");
    private static readonly ResourceBudget KubeStateMetricsBudget = new("20m", "64Mi", "200m", "256Mi");

    /// <summary>The user of the redis_exporter image (built FROM scratch with USER 59000:59000).</summary>
    private static readonly RuntimeUser RedisExporterUser = new(59000, 59000);

    /// <summary>
    /// The object kinds kube-state-metrics reports on (--resources) and may read (ClusterRole): what the rules and the
    /// Kubernetes dashboard use, and nothing that holds data (no Secrets or ConfigMaps).
    /// </summary>
    private static readonly (string ApiGroup, string Resource)[] KubeStateMetricsResources =
    [
        ("", "pods"), ("", "nodes"), ("", "namespaces"), ("", "services"), ("", "persistentvolumeclaims"), ("", "persistentvolumes"),
        ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"),
        ("batch", "jobs"), ("batch", "cronjobs"),
        ("autoscaling", "horizontalpodautoscalers"), ("policy", "poddisruptionbudgets"),
    ];

    public static readonly ServiceScrapeJob KubeStateMetricsScrapeJob =
        new(Topology.KubeStateMetrics, Topology.KubeStateMetrics, Topology.NamespaceOf(Topology.KubeStateMetrics), "http", HonorLabels: true);

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> NodeExporter(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "exporter");
        var endpoint = spec.Port(StackResourceExtensions.HttpEndpoint);
        var port = Port(endpoint.Name, endpoint.TargetPort!.Value);
        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // The model's --path.rootfs=/host: filesystems are read through the host's root mounted below.
            Args = [.. spec.StaticArgs],
            Ports = [port],
            ReadinessProbe = HttpProbe("/", port.Name),
            LivenessProbe = HttpProbe("/", port.Name, failureThreshold: 6),
            // HostToContainer: filesystems the host mounts later (new volumes) show up without a restart.
            VolumeMounts = [new V1VolumeMount { Name = "host-root", MountPath = "/host", ReadOnlyProperty = true, MountPropagation = "HostToContainer" }],
        }, NodeExporterBudget);

        var template = PodTemplate(identity, RuntimeUser.Nobody, [container],
            [new V1Volume { Name = "host-root", HostPath = new V1HostPathVolumeSource { Path = "/", Type = "Directory" } }]);
        // The host's processes and network interfaces are what it reports on.
        template.Spec.HostPID = true;
        template.Spec.HostNetwork = true;
        template.Spec.DnsPolicy = "ClusterFirstWithHostNet";
        // Every node, control plane and tainted ones included.
        template.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }];
        return
        [
            DaemonSet(identity, template),
            // Headless: Prometheus discovers each node's endpoint, never a load-balanced one.
            Service(identity, [port], headless: true),
            // On the host network a NetworkPolicy does not apply (the pod has the node's address), so port 9100 is
            // open to whatever reaches the node; the policy takes effect if hostNetwork is ever turned off.
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.PodsOf("prometheus")),
        ];
    }

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> RedisExporter(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "exporter");
        var endpoint = spec.Port(StackResourceExtensions.HttpEndpoint);
        var port = Port(endpoint.Name, endpoint.TargetPort!.Value);
        var redisPort = context.Specs["redis"].Port("tcp").TargetPort!.Value;
        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // REDIS_PASSWORD comes from the model as the redis-password parameter, i.e. Secret redis-auth.
            Env = EnvironmentBuilder.FromModel(spec).Set("REDIS_ADDR", $"redis://{Topology.ServiceHost("redis")}:{redisPort}").Build(),
            Ports = [port],
            ReadinessProbe = HttpProbe("/health", port.Name),
            LivenessProbe = HttpProbe("/health", port.Name, failureThreshold: 6),
        }, RedisExporterBudget);
        return
        [
            Deployment(identity, PodTemplate(identity, RedisExporterUser, [container])),
            Service(identity, [port]),
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.PodsOf("prometheus")),
        ];
    }

    /// <summary>kube-state-metrics: not part of the local stack, so not in the app model; only the cluster has its objects.</summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> KubeStateMetrics()
    {
        var identity = new Identity(Topology.KubeStateMetrics, Topology.NamespaceOf(Topology.KubeStateMetrics), "exporter");
        var metrics = Port("http", 8080);
        var telemetry = Port("telemetry", 8081);
        var container = Harden(new V1Container
        {
            Name = identity.Name,
            Image = KubeStateMetricsImage,
            Args =
            [
                $"--port={metrics.ContainerPort}",
                $"--telemetry-port={telemetry.ContainerPort}",
                "--resources=" + string.Join(',', KubeStateMetricsResources.Select(r => r.Resource)),
            ],
            Ports = [metrics, telemetry],
            ReadinessProbe = HttpProbe("/readyz", telemetry.Name),
            LivenessProbe = HttpProbe("/livez", metrics.Name, failureThreshold: 6),
        }, KubeStateMetricsBudget);

        var template = PodTemplate(identity, RuntimeUser.Nobody, [container], serviceAccount: identity.Name);
        return
        [
            ServiceAccount(identity),
            .. ClusterAccess(identity, KubeStateMetricsResources
                .GroupBy(r => r.ApiGroup)
                .Select(group => new V1PolicyRule { ApiGroups = [group.Key], Resources = group.Select(r => r.Resource).ToList(), Verbs = ["list", "watch"] })),
            Deployment(identity, template),
            Service(identity, [metrics, telemetry], headless: true),
            NetworkPolicies.AllowIngress(identity, [metrics, telemetry], NetworkPolicies.PodsOf("prometheus")),
        ];
    }
}
