namespace NexusTrade.Hosting;

/// <summary>Prometheus's storage settings, the same for every runtime.</summary>
public sealed record PrometheusSettings(string RetentionTime = "15d")
{
    public static PrometheusSettings Default { get; } = new();

    /// <summary>The TSDB flags with the data directory of the runtime.</summary>
    public IEnumerable<string> StorageArgs(string dataDirectory) =>
        [$"--storage.tsdb.path={dataDirectory}", $"--storage.tsdb.retention.time={RetentionTime}"];

    /// <summary>
    /// The alert rules' <c>for</c> state restored after a restart or crash (from ALERTS_FOR_STATE) for every rule with a
    /// <c>for</c> of at least this: 15 s, the shortest <c>for</c> in prometheus/rules. With the 10 m default, rules with a
    /// shorter <c>for</c> (DataProviderFailing) started pending again after a crash and waited their <c>for</c> out once
    /// more. Cost: an alert pending at the crash with less than 15 s left fires 15 s after the restart (instead of 10 m).
    /// </summary>
    public const string ForGracePeriodArg = "--rules.alert.for-grace-period=15s";
}

/// <summary>Alertmanager's production layout: prometheus/alertmanager.yml names its files under this root.</summary>
public static class AlertmanagerSettings
{
    public const string ProductionRoot = "/etc/alertmanager/";

    /// <summary>No gossip port: a single instance, and nothing listens for peers.</summary>
    public const string NoClusterArg = "--cluster.listen-address=";

    /// <summary>
    /// How often silences and the notification log are written to disk (Alertmanager 0.25 writes them only on this
    /// snapshot and at a clean shutdown; the 15 m default loses up to 15 m of silences and sent notifications to a
    /// SIGKILL or OOM kill). Cost: two small files (KiB for hundreds of silences) rewritten and fsynced every 15 s.
    /// </summary>
    public const string MaintenanceIntervalArg = "--data.maintenance-interval=15s";

    /// <summary>The interval of <see cref="MaintenanceIntervalArg"/>: the window a crash can lose.</summary>
    public static readonly TimeSpan MaintenanceInterval = TimeSpan.FromSeconds(15);
}
