using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>
/// Alertmanager, three replicas in one gossip cluster, with the repository's prometheus/alertmanager.yml (in a Secret: a route tree may carry inline
/// credentials), its templates, and the receivers' credentials as files under /etc/alertmanager/secrets/.
/// </summary>
public static class AlertmanagerWorkload
{
    /// <summary>Where prometheus/alertmanager.yml expects its files (the local profile rewrites the same prefix).</summary>
    private const string Root = AlertmanagerSettings.ProductionRoot;

    private const string LoginDirectory = $"{Root}login";

    /// <summary>
    /// The probes: amtool (in Alertmanager's image) asks the status API, logged in with the client configuration of
    /// the config Secret, which names the password file of the login mount (<see cref="ClusterLogin"/>).
    /// </summary>
    public static IReadOnlyList<string> ProbeCommand(int port, string configDirectory = $"{Root}config") =>
        ["amtool", $"--alertmanager.url=http://127.0.0.1:{port}/", $"--http.config.file={configDirectory}/{ClusterLogin.ClientConfigKey}", "cluster", "show"];

    /// <summary>Files under /etc/alertmanager/secrets/, read by prometheus/alertmanager.yml (*_file settings).</summary>
    public static readonly IReadOnlyList<SecretKey> ReceiverSecrets =
    [
        new("alertmanager-secrets", "slack-webhook-url", "Slack incoming-webhook URL (global.slack_api_url_file)"),
        new("alertmanager-secrets", "pagerduty-routing-key", "PagerDuty Events API v2 routing key (pagerduty_configs.routing_key_file)"),
        new("alertmanager-secrets", "smtp-password", "SMTP password (global.smtp_auth_password_file)"),
        new("alertmanager-secrets", "deadmansswitch-url", "dead man's switch check URL (webhook url_file, once every Alertmanager supports it)"),
    ];

    /// <summary>Deploys Alertmanager with <paramref name="prometheusDirectory"/>'s alertmanager.yml and templates (the repository's prometheus/).</summary>
    public static IResourceBuilder<T> PublishAsKubernetesAlertmanager<T>(this IResourceBuilder<T> alertmanager, string prometheusDirectory,
        ResourceBudget budget, RuntimeUser user) where T : IResource =>
        alertmanager.PublishAsKubernetes((spec, context) => Build(spec, context, prometheusDirectory), "alert-router", ClusterTopology.MonitoringNamespace, budget, user,
            operatorReplacement: (spec, context) => OperatorAlertmanager.Build(spec, context, prometheusDirectory));

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context, string prometheusDirectory)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        // Gossip (silences, notification log, membership) runs over TCP and UDP on the same port.
        V1ContainerPort[] gossip = [Port("gossip-tcp", HighAvailability.GossipPort), Port("gossip-udp", HighAvailability.GossipPort, "UDP")];
        foreach (var key in ReceiverSecrets) context.Secrets.Declare(key);
        var secrets = ReceiverSecrets[0].Secret;

        var config = new V1Secret
        {
            Metadata = identity.Meta($"{spec.Name}-config"),
            Type = "Opaque",
            StringData = new Dictionary<string, string>
            {
                ["alertmanager.yml"] = Configuration(prometheusDirectory),
                [ClusterLogin.ClientConfigKey] = MonitoringLogin.ClientConfig(ClusterLogin.PasswordFile(LoginDirectory)),
            },
        }.Initialize();
        var templates = ConfigMap(identity, $"{spec.Name}-templates", TemplateFiles(spec, context, prometheusDirectory));

        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // The config where the Secret is mounted, and a gossip cluster of every replica.
            Args =
            [
                $"--config.file={Root}config/alertmanager.yml", "--storage.path=/alertmanager", AlertmanagerSettings.MaintenanceIntervalArg,
                .. ClusterArgs(spec.Name, ClusterServiceName(spec), identity.Namespace),
                .. ExternalUrlArgs(spec, port, context.Options.AlertmanagerExternalUrl),
                ClusterLogin.WebConfigArg(LoginDirectory),
            ],
            Env = [PodFieldEnv("POD_IP", "status.podIP")],
            Ports = [port, .. gossip],
            ReadinessProbe = ClusterLogin.ExecProbe(ProbeCommand(port.ContainerPort)),
            LivenessProbe = ClusterLogin.ExecProbe(ProbeCommand(port.ContainerPort), failureThreshold: 6),
            VolumeMounts =
            [
                Mount("config", $"{Root}config"),
                Mount("secrets", $"{Root}secrets"),
                Mount("templates", $"{Root}templates"),
                Mount("data", "/alertmanager", readOnly: false),
                ClusterLogin.Mount(LoginDirectory),
            ],
        }, spec.Deployment.Budget);

        var template = PodTemplate(identity, spec.Deployment.User, [container],
        [
            SecretVolume("config", config.Metadata.Name),
            SecretVolume("secrets", secrets),
            ConfigMapVolume("templates", templates.Metadata.Name),
            ClusterLogin.Volume(context),
        ]).SpreadAcrossNodes(identity);
        return
        [
            config,
            templates,
            StatefulSet(identity, template, HighAvailability.AlertmanagerReplicas, ClusterServiceName(spec), ClaimTemplate(identity, "data", "2Gi", context.Options.StorageClassName)),
            Availability.DisruptionBudget(identity),
            Service(identity, [port]),
            ClusterService(spec, identity, gossip),
            NetworkPolicies.ForClients(spec, context, [port]),
            .. Ingresses.For(spec, context, port),
            // Gossip from the other members only: a pod that could join could also delete every silence.
            NetworkPolicies.BetweenPeers(spec, ClusterServiceName(spec), gossip),
        ];
    }

    /// <summary>The repository's templates, and the one that defines the dashboard links (<see cref="DashboardLinks"/>).</summary>
    public static SortedDictionary<string, string> TemplateFiles(ComponentSpec spec, PublishContext context, string prometheusDirectory)
    {
        var templateFiles = Files(Path.Combine(prometheusDirectory, "templates"), "*.tmpl");
        // Dashboard links: the configured Grafana URL, else Grafana's Service (no Grafana in the model: relative links;
        // the operator's Grafana: the configured URL, else relative links, its address being unknown here).
        var operatorGrafana = context.Options.Monitoring == MonitoringMode.Operator ? context.Options.GrafanaExternalUrl?.ToString() : null;
        var grafana = spec.Resource.DashboardLinkTarget() is { } endpoint && context.IsDeployed(endpoint.Resource)
            ? context.Options.GrafanaExternalUrl?.ToString() ?? context.Values.Url(endpoint) : operatorGrafana ?? "";
        templateFiles[DashboardLinks.TemplateFileName] = DashboardLinks.TemplateFile(grafana);
        return templateFiles;
    }

    /// <summary>The headless Service that gives each replica its peer address, <c>alertmanager-N.alertmanager-cluster.monitoring.svc</c>.</summary>
    public static string ClusterServiceName(ComponentSpec spec) => $"{spec.Name}-cluster";

    /// <summary>Listens and advertises on the pod's IP; every replica (itself included, which it ignores) is a peer.</summary>
    public static IEnumerable<string> ClusterArgs(string name, string clusterService, string @namespace) =>
    [
        $"--cluster.listen-address=[$(POD_IP)]:{HighAvailability.GossipPort}",
        $"--cluster.advertise-address=[$(POD_IP)]:{HighAvailability.GossipPort}",
        .. Enumerable.Range(0, HighAvailability.AlertmanagerReplicas)
            .Select(i => $"--cluster.peer={name}-{i}.{clusterService}.{@namespace}.svc:{HighAvailability.GossipPort}"),
    ];

    /// <summary>
    /// Headless, with the gossip ports only (so that no scrape or alerting discovery, which keeps port "http", finds it)
    /// and not-ready pods published: a starting replica must find its peers before it can become ready.
    /// </summary>
    private static V1Service ClusterService(ComponentSpec spec, Identity identity, IEnumerable<V1ContainerPort> gossip)
    {
        var service = Service(identity with { Name = ClusterServiceName(spec) }, gossip, headless: true);
        service.Spec.Selector = identity.SelectorLabels();
        service.Spec.PublishNotReadyAddresses = true;
        return service;
    }

    /// <summary>prometheus/alertmanager.yml exactly as committed.</summary>
    public static string Configuration(string prometheusDirectory)
    {
        var path = Path.Combine(prometheusDirectory, "alertmanager.yml");
        return File.Exists(path) ? File.ReadAllText(path)
            : throw new InvalidOperationException($"{path} does not exist: the published Alertmanager needs the repository's routing (NexusTrade:ConfigRoot points at the repository root).");
    }
}
