namespace NexusTrade.Kubernetes;

/// <summary>Prometheus's storage settings, the same for every runtime.</summary>
public sealed record PrometheusSettings(string RetentionTime = "15d")
{
    public static PrometheusSettings Default { get; } = new();

    /// <summary>The TSDB flags with the data directory of the runtime.</summary>
    public IEnumerable<string> StorageArgs(string dataDirectory) =>
        [$"--storage.tsdb.path={dataDirectory}", $"--storage.tsdb.retention.time={RetentionTime}"];
}

/// <summary>Alertmanager's production layout: prometheus/alertmanager.yml names its files under this root.</summary>
public static class AlertmanagerSettings
{
    public const string ProductionRoot = "/etc/alertmanager/";

    /// <summary>No gossip port: a single instance, and nothing listens for peers.</summary>
    public const string NoClusterArg = "--cluster.listen-address=";
}

/// <summary>node-exporter reads the host's filesystems through the host's root mounted here (container and cluster alike).</summary>
public static class NodeExporterSettings
{
    public const string HostRoot = "/host";

    public const string RootFsArg = "--path.rootfs=" + HostRoot;
}
