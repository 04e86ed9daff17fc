using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>Prometheus: two replicas with Kubernetes service discovery, the repository's rule files, and a volume each for the TSDB.</summary>
public static class PrometheusWorkload
{
    private const string ConfigDirectory = "/etc/prometheus/config";

    /// <summary>
    /// The probes: promtool (Prometheus's image, 2.43 or later) logs in with the client configuration of the config
    /// ConfigMap, which names the password file of the login mount (<see cref="ClusterLogin"/>).
    /// </summary>
    public static IReadOnlyList<string> ProbeCommand(string check, int port) =>
        ["promtool", "check", check, $"--url=http://127.0.0.1:{port}", $"--http.config.file={ConfigDirectory}/{ClusterLogin.ClientConfigKey}"];
    private const string StorageSize = "20Gi";

    /// <summary>
    /// Deploys Prometheus with the rules of <paramref name="prometheusDirectory"/> (the repository's prometheus/),
    /// one discovery job per <see cref="ScrapeTargetAnnotation"/>, and kube-state-metrics beside it.
    /// </summary>
    public static IResourceBuilder<T> PublishAsKubernetesPrometheus<T>(this IResourceBuilder<T> prometheus, PrometheusSettings settings,
        string prometheusDirectory, ResourceBudget budget, RuntimeUser user) where T : IResource =>
        prometheus.PublishAsKubernetes((spec, context) => Build(spec, context, settings, prometheusDirectory), "metrics", ClusterTopology.MonitoringNamespace, budget, user, companions: [new CompanionWorkload(KubeStateMetricsWorkload.Name, KubeStateMetricsWorkload.Build)],
            operatorReplacement: (spec, context) => OperatorScraping.Build(spec, context, prometheusDirectory));

    /// <summary>Scrapes <paramref name="target"/>'s HTTP endpoint as job <paramref name="job"/>; in the cluster, its NetworkPolicy admits Prometheus.</summary>
    public static IResourceBuilder<T> WithScrapeTarget<T, TTarget>(this IResourceBuilder<T> prometheus, string job, IResourceBuilder<TTarget> target)
        where T : IResourceWithEndpoints where TTarget : IResourceWithEndpoints
    {
        // A .NET project admits Prometheus on its management port alone (DotNetProject.Network), not as a client of its HTTP port.
        if (target.Resource is not ProjectResource) target.WithKubernetesClient(prometheus);
        return prometheus.WithAnnotation(new ScrapeTargetAnnotation(job, target.GetEndpoint(EndpointNames.Http)));
    }

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context, PrometheusSettings settings,
        string prometheusDirectory)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        var remoteWrite = context.Options.RemoteWrite;

        var config = ConfigMap(identity, $"{spec.Name}-config", new Dictionary<string, string>
        {
            ["prometheus.yml"] = RenderConfig(spec, context, remoteWrite),
            [ClusterLogin.ClientConfigKey] = MonitoringLogin.ClientConfig(ClusterLogin.PasswordFile(PrometheusKubernetesConfig.LoginDirectory)),
        });
        var rules = ConfigMap(identity, $"{spec.Name}-rules", Files(Path.Combine(prometheusDirectory, "rules"), "*.yml"));

        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // No --web.enable-lifecycle: a config change rolls the pod (checksum annotation) instead, and the lifecycle
            // API would let anyone who reaches the port shut Prometheus down. The size bound stays below the volume's,
            // so that a full disk drops old blocks instead of stopping ingestion. expand-external-labels: the replica
            // label is the pod's name (${POD_NAME}).
            Args =
            [
                $"--config.file={ConfigDirectory}/prometheus.yml", .. settings.StorageArgs("/prometheus"), "--storage.tsdb.retention.size=18GB",
                PrometheusSettings.ForGracePeriodArg,
                "--enable-feature=expand-external-labels", .. ExternalUrlArgs(spec, port, context.Options.PrometheusExternalUrl),
                ClusterLogin.WebConfigArg(PrometheusKubernetesConfig.LoginDirectory),
            ],
            Env = [PodFieldEnv(PrometheusKubernetesConfig.PodNameVariable, "metadata.name")],
            Ports = [port],
            StartupProbe = ClusterLogin.ExecProbe(ProbeCommand("ready", port.ContainerPort), periodSeconds: 10, failureThreshold: 60),
            ReadinessProbe = ClusterLogin.ExecProbe(ProbeCommand("ready", port.ContainerPort)),
            LivenessProbe = ClusterLogin.ExecProbe(ProbeCommand("healthy", port.ContainerPort), failureThreshold: 6),
            VolumeMounts =
            [
                Mount("config", ConfigDirectory),
                Mount("rules", PrometheusKubernetesConfig.RulesDirectory),
                Mount("data", "/prometheus", readOnly: false),
                ClusterLogin.Mount(PrometheusKubernetesConfig.LoginDirectory),
                .. remoteWrite?.BasicAuth is null ? [] : new[] { Mount("remote-write", PrometheusKubernetesConfig.RemoteWriteDirectory) },
            ],
        }, spec.Deployment.Budget);

        List<V1Volume> volumes = [ConfigMapVolume("config", config.Metadata.Name), ConfigMapVolume("rules", rules.Metadata.Name), ClusterLogin.Volume(context)];
        if (remoteWrite?.BasicAuth is { } auth)
        {
            context.Secrets.Declare(new SecretKey(auth.Secret, RemoteWriteBasicAuth.PasswordKey, $"password of user {auth.Username} for remote_write to {remoteWrite.Url}"));
            volumes.Add(SecretVolume("remote-write", auth.Secret));
        }
        var template = PodTemplate(identity, spec.Deployment.User, [container], volumes, serviceAccount: identity.Name).SpreadAcrossNodes(identity);
        var service = Service(identity, [port]);
        // Grafana queries through the Service: each client sticks to one replica, so that a dashboard never mixes the
        // two replicas' slightly different samples (or the gap one of them has after a restart) from one refresh to the next.
        service.Spec.SessionAffinity = "ClientIP";
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
            // Two replicas scrape and evaluate the same: either alone still pages (both send to every Alertmanager).
            StatefulSet(identity, template, HighAvailability.PrometheusReplicas, identity.Name, ClaimTemplate(identity, "data", StorageSize, context.Options.StorageClassName)),
            Availability.DisruptionBudget(identity),
            service,
            // Grafana queries it; Prometheus scrapes itself. The UI is reached with kubectl port-forward.
            NetworkPolicies.ForClients(spec, context, [port]),
            .. Ingresses.For(spec, context, port),
        ];
    }

    /// <summary>One job per scrape target of the model, plus the cluster-only ones; alerts go to the target of job alertmanager.</summary>
    private static string RenderConfig(ComponentSpec prometheus, PublishContext context, RemoteWriteTarget? remoteWrite)
    {
        var jobs = ScrapeJobs(prometheus, context)
            .Append(KubeStateMetricsWorkload.ScrapeJob(prometheus))
            .OrderBy(job => job.Job, StringComparer.Ordinal)
            .ToList();
        var alerting = jobs.Single(job => job.Job == ScrapeModel.AlertmanagerJob);
        return PrometheusKubernetesConfig.Render(jobs, alerting, remoteWrite, ProbeTargets(prometheus, context));
    }

    /// <summary>
    /// The scrape jobs of the model (<see cref="ScrapeTargetAnnotation"/>) whose target is deployed: Prometheus's jobs in
    /// bundled mode, the ServiceMonitors in operator mode (one list, so that the two cannot drift apart).
    /// </summary>
    public static IEnumerable<ServiceScrapeJob> ScrapeJobs(ComponentSpec prometheus, PublishContext context) =>
        // A target that is not published (a simulator without IncludeSimulators=true) has no job in the cluster.
        prometheus.Resource.Annotations.OfType<ScrapeTargetAnnotation>().Where(target => context.IsDeployed(target.Endpoint.Resource))
            .Select(target => new ServiceScrapeJob(target.Job, target.Endpoint.Resource.Name, ClusterTopology.NamespaceOf(target.Endpoint.Resource),
                // .NET projects serve /metrics on their management port only.
                target.Endpoint.Resource is ProjectResource ? DotNetProject.MetricsPortName : target.Endpoint.EndpointName)
            {
                Login = ScrapeModel.RequiresLogin(prometheus.Resource, target.Job),
            });

    /// <summary>The blackbox probes of the model, each with the exporter's target parameter and the exporter's host:port in the cluster.</summary>
    public static IReadOnlyList<ProbeTarget> ProbeTargets(ComponentSpec prometheus, PublishContext context) =>
        prometheus.Resource.Annotations.OfType<ProbeTargetAnnotation>()
            .Select(probe => new ProbeTarget(probe.TargetParameter(new Uri(context.Values.Url(probe.Target)).Authority),
                new Uri(context.Values.Url(probe.Exporter)).Authority, probe.Labels))
            .ToList();
}
