using k8s;
using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// What the operator's Prometheus gets in place of ours (Monitoring=operator): a ServiceMonitor per scrape job and a
/// Probe per blackbox probe of the model, from the same job list as the bundled prometheus.yml
/// (<see cref="PrometheusWorkload.ScrapeJobs"/>), with the same intervals and target labels; and the application's
/// rule files as PrometheusRules (<see cref="OperatorRules"/>).
/// </summary>
public static class OperatorScraping
{
    /// <summary>The Service label the operator takes the job label from: the component's name, which is the job's.</summary>
    public const string JobLabel = "app.kubernetes.io/name";

    public const string MetricsPath = "/metrics";

    /// <summary>The Prometheus resource's replacement: ServiceMonitors, Probes and PrometheusRules.</summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec prometheus, PublishContext context, string prometheusDirectory) =>
    [
        .. PrometheusWorkload.ScrapeJobs(prometheus, context).Select(job => ServiceMonitor(job, context.Options.Operator)),
        .. PrometheusWorkload.ProbeTargets(prometheus, context).Select(probe => Probe(probe, context.Options.Operator)),
        .. OperatorRules.Build(prometheusDirectory, context.Options.Operator),
    ];

    /// <summary>Metadata of an object the operator selects: the component's labels and the selector labels (Operator:SelectorLabels).</summary>
    public static V1ObjectMeta Selectable(Identity identity, OperatorSettings settings, string? name = null)
    {
        var meta = identity.Meta(name);
        foreach (var (key, value) in settings.SelectorLabels) meta.Labels[key] = value;
        return meta;
    }

    /// <summary>The pods behind the job's Service, on its named port, labelled as the bundled job labels them.</summary>
    public static ServiceMonitor ServiceMonitor(ServiceScrapeJob job, OperatorSettings settings)
    {
        if (job.Job != job.Service)
        {
            // The job label comes from the Service's name label (jobLabel): the rules and dashboards select by job.
            throw new InvalidOperationException($"Scrape job '{job.Job}' scrapes Service '{job.Service}': in operator mode a job must be named after its Service.");
        }
        var identity = new Identity(job.Job, job.Namespace, "monitoring");
        return new ServiceMonitor
        {
            Metadata = Selectable(identity, settings),
            Spec = new ServiceMonitorSpec
            {
                JobLabel = JobLabel,
                Selector = new V1LabelSelector { MatchLabels = new Identity(job.Service, job.Namespace, "").SelectorLabels() },
                NamespaceSelector = new NamespaceSelector { MatchNames = [job.Namespace] },
                Endpoints =
                [
                    new MonitorEndpoint
                    {
                        Port = job.PortName,
                        Path = MetricsPath,
                        Scheme = "http",
                        Interval = PrometheusKubernetesConfig.ScrapeInterval,
                        ScrapeTimeout = PrometheusKubernetesConfig.ScrapeTimeout,
                        HonorLabels = job.HonorLabels ? true : null,
                        Relabelings = PrometheusKubernetesConfig.TargetLabels(job)
                            .Select(label => new RelabelConfig { SourceLabels = [label.Source], TargetLabel = label.Target, Action = "replace" }).ToList(),
                    },
                ],
            },
        };
    }

    /// <summary>
    /// One probe through the blackbox exporter: the operator relabels as job blackbox does (target parameter and
    /// instance from the target, the exporter as address), the module and probe labels on every series.
    /// </summary>
    public static Probe Probe(ProbeTarget probe, OperatorSettings settings)
    {
        var name = $"{ProbeTargetAnnotation.Job}-{probe.Labels["probe"]}";
        return new Probe
        {
            Metadata = Selectable(new Identity(name, ClusterTopology.ApplicationNamespace, "monitoring"), settings),
            Spec = new ProbeSpec
            {
                JobName = ProbeTargetAnnotation.Job,
                Interval = PrometheusKubernetesConfig.ScrapeInterval,
                ScrapeTimeout = PrometheusKubernetesConfig.ScrapeTimeout,
                Module = probe.Labels["module"],
                Prober = new ProberSpec { Url = probe.Exporter, Path = ScrapeModel.ProbePath, Scheme = "http" },
                Targets = new ProbeTargets
                {
                    StaticConfig = new ProbeStaticConfig { Static = [probe.Target], Labels = new Dictionary<string, string>(probe.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) },
                },
            },
        };
    }
}
