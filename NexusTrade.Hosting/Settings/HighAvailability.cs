namespace NexusTrade.Hosting;

/// <summary>
/// How many of each monitoring component run when the stack is highly available: the same in the cluster and in the
/// local HA mode, so that what the failover tests prove locally is what the manifests deploy.
/// </summary>
public static class HighAvailability
{
    /// <summary>Two Prometheus scrape and evaluate the same targets and rules; each sends to every Alertmanager.</summary>
    public const int PrometheusReplicas = 2;

    /// <summary>Three Alertmanagers gossip silences and notification logs, so that losing one loses no page and sends none twice.</summary>
    public const int AlertmanagerReplicas = 3;

    /// <summary>The API's floor (and the HPA's minimum): a drain or a crash of one pod leaves one serving.</summary>
    public const int ApiMinReplicas = 2;

    public const int ApiMaxReplicas = 6;

    /// <summary>The HPA's target: mean CPU use across the API's pods, as a percentage of their CPU request.</summary>
    public const int ApiCpuUtilizationPercent = 70;

    /// <summary>Alertmanager's gossip port (TCP and UDP), its default.</summary>
    public const int GossipPort = 9094;

    /// <summary>
    /// The external label that tells the Prometheus replicas apart (remote-write stores deduplicate on it). It is
    /// dropped from alerts (alert_relabel_configs), or Alertmanager could not tell that both replicas send the same alert.
    /// </summary>
    public const string ReplicaLabel = "replica";
}
