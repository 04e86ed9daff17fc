using k8s;
using k8s.Models;
using NexusTrade.AppHost.Infrastructure;
using static NexusTrade.AppHost.Kubernetes.ManifestBuilder;

namespace NexusTrade.AppHost.Kubernetes.Components;

/// <summary>Grafana with the repository's provisioning and dashboards, its admin password from a Secret.</summary>
public static class GrafanaManifests
{
    private const string DashboardsDirectory = "/var/lib/grafana/dashboards";
    private static readonly ResourceBudget Budget = new("50m", "128Mi", "500m", "512Mi");

    /// <summary>The grafana user of the official image (its files belong to 472).</summary>
    private static readonly RuntimeUser Grafana = new(472, 472);

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = context.Identity(spec.Name, "dashboards");
        var endpoint = spec.Port(StackResourceExtensions.HttpEndpoint);
        var port = Port(endpoint.Name, endpoint.TargetPort!.Value);
        var provisioning = Path.Combine(context.GrafanaDirectory, "provisioning");

        var datasources = ConfigMap(identity, $"{spec.Name}-provisioning-datasources", Files(Path.Combine(provisioning, "datasources"), "*.yml"));
        var providers = ConfigMap(identity, $"{spec.Name}-provisioning-dashboards", Files(Path.Combine(provisioning, "dashboards"), "*.yml"));
        // One ConfigMap per dashboard: together they exceed the 256 KiB that kubectl apply can keep in its
        // last-applied annotation. A projected volume puts them back into one directory.
        var dashboards = Files(Path.Combine(context.GrafanaDirectory, "dashboards"), "*.json")
            .Select(file => ConfigMap(identity, $"{spec.Name}-dashboard-{Path.GetFileNameWithoutExtension(file.Key)}", new Dictionary<string, string> { [file.Key] = file.Value }))
            .ToList();
        var storage = Claim(identity, $"{spec.Name}-data", "5Gi");

        var environment = EnvironmentBuilder.FromModel(spec)
            .Set("PROMETHEUS_URL", Topology.ServiceUrl("prometheus", context.Specs["prometheus"].Port(StackResourceExtensions.HttpEndpoint).TargetPort!.Value))
            .Set("ALERTMANAGER_URL", Topology.ServiceUrl("alertmanager", context.Specs["alertmanager"].Port(StackResourceExtensions.HttpEndpoint).TargetPort!.Value))
            .Set("GRAFANA_DASHBOARDS_PATH", DashboardsDirectory)
            // Whatever the local setting: the cluster's Grafana requires a login.
            .Set("GF_AUTH_ANONYMOUS_ENABLED", "false");

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
                Mount("data", "/var/lib/grafana", readOnly: false),
                Mount("provisioning-datasources", "/etc/grafana/provisioning/datasources"),
                Mount("provisioning-dashboards", "/etc/grafana/provisioning/dashboards"),
                Mount("dashboards", DashboardsDirectory),
                Mount("logs", "/var/log/grafana", readOnly: false),
                Mount(TempVolume, "/tmp", readOnly: false),
            ],
        }, Budget);

        var template = PodTemplate(identity, Grafana, [container],
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
        return
        [
            datasources,
            providers,
            .. dashboards,
            storage,
            Deployment(identity, template, recreate: true),
            Service(identity, [port]),
            // The way in for people: any pod of the cluster (an ingress controller, kubectl port-forward).
            NetworkPolicies.AllowIngress(identity, [port], NetworkPolicies.AnyPodInCluster()),
        ];
    }
}
