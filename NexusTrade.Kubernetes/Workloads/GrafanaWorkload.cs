using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>Grafana with the repository's provisioning and dashboards, its admin password from a Secret (reset at every start).</summary>
public static class GrafanaWorkload
{
    private const string DashboardsDirectory = "/var/lib/grafana/dashboards";

    /// <summary>
    /// Deploys Grafana with the provisioning and dashboards of <paramref name="grafanaDirectory"/> (the repository's
    /// grafana/), reachable from any pod of the cluster.
    /// </summary>
    public static IResourceBuilder<T> PublishAsKubernetesGrafana<T>(this IResourceBuilder<T> grafana, string grafanaDirectory,
        ResourceBudget budget, RuntimeUser user) where T : IResource =>
        grafana.PublishAsKubernetes((spec, context) => Build(spec, context, grafanaDirectory), "dashboards", ClusterTopology.MonitoringNamespace, budget, user, openToCluster: true,
            operatorReplacement: (spec, context) => OperatorDashboards.Build(context, grafanaDirectory));

    /// <summary>One ConfigMap per dashboard of <paramref name="grafanaDirectory"/>, named <paramref name="namePrefix"/> and the file's name.</summary>
    public static List<V1ConfigMap> DashboardConfigMaps(Identity identity, string grafanaDirectory, string namePrefix) =>
        Files(Path.Combine(grafanaDirectory, "dashboards"), "*.json")
            .Select(file => ConfigMap(identity, $"{namePrefix}{Path.GetFileNameWithoutExtension(file.Key)}", new Dictionary<string, string> { [file.Key] = file.Value }))
            .ToList();

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context, string grafanaDirectory)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        var provisioning = Path.Combine(grafanaDirectory, "provisioning");

        var datasources = ConfigMap(identity, $"{spec.Name}-provisioning-datasources", Files(Path.Combine(provisioning, "datasources"), "*.yml"));
        var providers = ConfigMap(identity, $"{spec.Name}-provisioning-dashboards", Files(Path.Combine(provisioning, "dashboards"), "*.yml"));
        // One ConfigMap per dashboard: together they exceed the 256 KiB that kubectl apply can keep in its
        // last-applied annotation. A projected volume puts them back into one directory.
        var dashboards = DashboardConfigMaps(identity, grafanaDirectory, $"{spec.Name}-dashboard-");
        var storage = Claim(identity, $"{spec.Name}-data", "5Gi", context.Options.StorageClassName);

        // PROMETHEUS_URL and ALERTMANAGER_URL come translated from the model (their Services).
        var environment = EnvironmentBuilder.FromModel(spec, context)
            .Set("GRAFANA_DASHBOARDS_PATH", DashboardsDirectory)
            // Whatever the local setting: the cluster's Grafana requires a login.
            .Set("GF_AUTH_ANONYMOUS_ENABLED", "false");
        // Behind an Ingress (or wherever GrafanaExternalUrl says): Grafana's own links and redirects use that address.
        if (context.Options.GrafanaExternalUrl is { } url) environment.Set("GF_SERVER_ROOT_URL", url.ToString());

        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            Env = environment.Build(),
            Ports = [port],
            ReadinessProbe = HttpProbe("/api/health", port.Name),
            LivenessProbe = HttpProbe("/api/health", port.Name, periodSeconds: 15, failureThreshold: 6),
            VolumeMounts =
            [
                Mount("data", GrafanaAdminPassword.DataDirectory, readOnly: false),
                Mount("provisioning-datasources", "/etc/grafana/provisioning/datasources"),
                Mount("provisioning-dashboards", "/etc/grafana/provisioning/dashboards"),
                Mount("dashboards", DashboardsDirectory),
                Mount("logs", "/var/log/grafana", readOnly: false),
                Mount(TempVolume, "/tmp", readOnly: false),
            ],
        }, spec.Deployment.Budget);

        var password = container.Env.SingleOrDefault(v => v.Name == GrafanaAdminPassword.PasswordVariable)
            ?? throw new InvalidOperationException($"'{spec.Name}' has no {GrafanaAdminPassword.PasswordVariable}: give Grafana its admin password parameter.");
        var template = PodTemplate(identity, spec.Deployment.User, [container],
        [
            new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = storage.Metadata.Name } },
            ConfigMapVolume("provisioning-datasources", datasources.Metadata.Name),
            ConfigMapVolume("provisioning-dashboards", providers.Metadata.Name),
            new V1Volume
            {
                Name = "dashboards",
                Projected = new V1ProjectedVolumeSource
                {
                    Sources = dashboards.Select(d => new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = d.Metadata.Name } }).ToList(),
                },
            },
            EmptyDir("logs"),
            EmptyDir(TempVolume),
        ]);
        // Before the server: the admin password from the Secret at every start, not only at the first.
        template.Spec.InitContainers = [GrafanaAdminPassword.InitContainer(container, password, identity.Namespace, spec.Deployment.Budget)];
        return
        [
            datasources,
            providers,
            .. dashboards,
            storage,
            Deployment(identity, template, recreate: true),
            Service(identity, [port]),
            // The way in for people: any pod of the cluster (an ingress controller, kubectl port-forward).
            NetworkPolicies.ForClients(spec, context, [port]),
            .. Ingresses.For(spec, context, port),
        ];
    }
}
