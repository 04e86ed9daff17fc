namespace NexusTrade.Kubernetes;

/// <summary>A pinned container image: <see cref="Name"/> is how the stack refers to it, <see cref="Reference"/> what is pulled.</summary>
public sealed record ContainerImage(string Name, string Image, string Tag)
{
    public string Reference => $"{Image}:{Tag}";
}

/// <summary>
/// Every image NexusTrade runs, pinned, in one place: container mode of the AppHost and the Kubernetes publisher read
/// them from here. It lives in the publisher's library because that is the one project both the AppHost and the
/// publisher reference; the publisher itself needs the images that are not in the app model (kube-state-metrics, the
/// defaults of the .NET images).
/// </summary>
public static class ContainerImages
{
    public static readonly ContainerImage Redis = new("redis", "docker.io/library/redis", "7.4.2");
    public static readonly ContainerImage Prometheus = new("prometheus", "quay.io/prometheus/prometheus", "v2.55.1");
    public static readonly ContainerImage Alertmanager = new("alertmanager", "quay.io/prometheus/alertmanager", "v0.27.0");
    public static readonly ContainerImage Grafana = new("grafana", "docker.io/grafana/grafana", "11.6.0");
    public static readonly ContainerImage NodeExporter = new("node-exporter", "quay.io/prometheus/node-exporter", "v1.8.2");
    public static readonly ContainerImage RedisExporter = new("redis-exporter", "docker.io/oliver006/redis_exporter", "v1.67.0");
    public static readonly ContainerImage BlackboxExporter = new("blackbox-exporter", "docker.io/prom/blackbox-exporter", "v0.25.0");
    public static readonly ContainerImage KubeStateMetrics = new("kube-state-metrics", "registry.k8s.io/kube-state-metrics/kube-state-metrics", "v2.13.0");

    // The .NET projects: built and pushed by the operator; overridable per publish (KubernetesPublishingOptions).
    public static readonly ContainerImage Api = new("api", "ghcr.io/nexustrade/api", "1.0.0");
    public static readonly ContainerImage MarketFeed = new("marketfeed", "ghcr.io/nexustrade/marketfeed", "1.0.0");
    public static readonly ContainerImage AlertInbox = new("alert-inbox", "ghcr.io/nexustrade/alert-inbox", "1.0.0");

}
