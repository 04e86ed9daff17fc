using k8s;
using k8s.Models;
using NexusTrade.AppHost.Components;
using static NexusTrade.AppHost.Kubernetes.ManifestBuilder;

namespace NexusTrade.AppHost.Kubernetes.Components;

/// <summary>Prometheus: Kubernetes service discovery, the repository's rule files, and a volume for its TSDB.</summary>
public static class PrometheusManifests
{
    private const string ConfigDirectory = "/etc/prometheus/config";
    private const string StorageSize = "20Gi";
    private static readonly ResourceBudget Budget = new("200m", "1Gi", "1", "2Gi");

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "metrics");
        var endpoint = spec.Port(Infrastructure.StackResourceExtensions.HttpEndpoint);
        var port = Port(endpoint.Name, endpoint.TargetPort!.Value);

        var config = ConfigMap(identity, $"{spec.Name}-config", new Dictionary<string, string> { ["prometheus.yml"] = RenderConfig(spec, context) });
        var rules = ConfigMap(identity, $"{spec.Name}-rules", Files(Path.Combine(context.PrometheusDirectory, "rules"), "*.yml"));

        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            Args = Args(spec.StaticArgs, new Dictionary<string, string?>
            {
                ["--config.file"] = $"{ConfigDirectory}/prometheus.yml",
                // A config change rolls the pod (checksum annotation) instead: the lifecycle API would let anyone
                // who reaches the port shut Prometheus down.
                ["--web.enable-lifecycle"] = null,
                // Below the volume's size, so that a full disk drops old blocks instead of stopping ingestion.
                ["--storage.tsdb.retention.size"] = "18GB",
            }),
            Ports = [port],
            StartupProbe = HttpProbe("/-/ready", port.Name, periodSeconds: 10, failureThreshold: 60),
            ReadinessProbe = HttpProbe("/-/ready", port.Name),
            LivenessProbe = HttpProbe("/-/healthy", port.Name, failureThreshold: 6),
            VolumeMounts =
            [
                Mount("config", ConfigDirectory),
                Mount("rules", PrometheusKubernetesConfig.RulesDirectory),
                Mount("data", "/prometheus", readOnly: false),
            ],
        }, Budget);

        var template = PodTemplate(identity, RuntimeUser.Nobody, [container],
            [ConfigMapVolume("config", config.Metadata.Name), ConfigMapVolume("rules", rules.Metadata.Name)],
            serviceAccount: identity.Name);
        return
        [
            ServiceAccount(identity),
            .. ClusterAccess(identity,
            [
                // Service discovery (endpointslice, pod and node roles) and the kubelets' /metrics and /metrics/cadvisor.
                ReadRule("", "nodes", "nodes/metrics", "services", "endpoints", "pods"),
                ReadRule("discovery.k8s.io", "endpointslices"),
                new V1PolicyRule { NonResourceURLs = ["/metrics"], Verbs = ["get"] },
            ]),
            config,
            rules,
            StatefulSet(identity, template, ClaimTemplate(identity, "data", StorageSize)),
            Service(identity, [port]),
            // Grafana queries it; Prometheus scrapes itself. The UI is reached with kubectl port-forward.
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.PodsOf("grafana"), NetworkPolicies.PodsOf(spec.Name)),
        ];
    }

    /// <summary>One job per scrape target of the model (ScrapeTargetAnnotation), plus the cluster-only ones.</summary>
    private static string RenderConfig(ComponentSpec prometheus, PublishContext context)
    {
        var jobs = prometheus.Resource.Annotations.OfType<ScrapeTargetAnnotation>()
            .Select(target => new ServiceScrapeJob(target.Job, target.Endpoint.Resource.Name, Topology.NamespaceOf(target.Endpoint.Resource.Name), target.Endpoint.EndpointName))
            .Append(ExporterManifests.KubeStateMetricsScrapeJob)
            .OrderBy(job => job.Job, StringComparer.Ordinal)
            .ToList();
        var alerting = jobs.Single(job => job.Job == "alertmanager");
        return PrometheusKubernetesConfig.Render(jobs, alerting);
    }
}
