using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.Hosting;

/// <summary>
/// The scrape model that both Prometheus configurations are written from: the jobs of the Prometheus resource's
/// <see cref="ScrapeTargetAnnotation"/>s, the probe job of its <see cref="ProbeTargetAnnotation"/>s, the replica label
/// dropped from alerts and the blackbox relabelling. Only how targets are found differs: file service discovery in
/// the local stack (the AppHost writes the target files), Kubernetes discovery in the cluster
/// (the publisher's PrometheusKubernetesConfig). A job declared with <c>WithScrapeTarget</c> appears in both.
/// </summary>
public static class ScrapeModel
{
    /// <summary>The scrape jobs of <paramref name="prometheus"/>, each once, in the order they were declared.</summary>
    public static IReadOnlyList<string> Jobs(IResource prometheus) =>
        [.. prometheus.Annotations.OfType<ScrapeTargetAnnotation>().Select(target => target.Job).Distinct()];

    /// <summary>
    /// Whether <paramref name="job"/>'s targets require the monitoring login (Prometheus itself, its twin, the
    /// Alertmanagers): then the job, and for the Alertmanager job the alerting too, sends it (<see cref="MonitoringLogin.BasicAuth"/>).
    /// </summary>
    public static bool RequiresLogin(IResource prometheus, string job)
    {
        var targets = prometheus.Annotations.OfType<ScrapeTargetAnnotation>().Where(target => target.Job == job).ToList();
        var login = targets.Count(target => target.Endpoint.Resource.RequiresLogin());
        return login == 0 ? false : login == targets.Count ? true
            : throw new InvalidOperationException($"Job '{job}' mixes targets with and without the monitoring login: one job, one way in.");
    }

    public static bool HasProbes(IResource prometheus) => prometheus.Annotations.OfType<ProbeTargetAnnotation>().Any();

    /// <summary>The job whose targets are also the Alertmanagers that alerts are sent to.</summary>
    public const string AlertmanagerJob = "alertmanager";

    /// <summary>The blackbox exporter's probe path, scraped instead of /metrics by the probe job.</summary>
    public const string ProbePath = "/probe";

    /// <summary>Both replicas of a pair send the same alerts: without their replica label they are identical, and the Alertmanager cluster notifies once.</summary>
    public static Dictionary<string, object> DropReplicaLabel() => new()
    {
        ["action"] = "labeldrop",
        ["regex"] = HighAvailability.ReplicaLabel,
    };

    /// <summary>
    /// Each probe target names what to probe; this makes it the exporter's target parameter and the instance label,
    /// the module label the module parameter, and scrapes the exporter (its address a hidden label of the target).
    /// </summary>
    public static object[] ProbeRelabelling() =>
    [
        Copy("__address__", "__param_target"),
        Copy("__param_target", "instance"),
        Copy("module", "__param_module"),
        Copy(ExporterAddressLabel, "__address__"),
    ];

    /// <summary>The hidden label of a probe target that holds the exporter's address.</summary>
    public const string ExporterAddressLabel = "__blackbox_address";

    public static Dictionary<string, object> Copy(string source, string target) => new()
    {
        ["source_labels"] = new[] { source },
        ["target_label"] = target,
    };
}
