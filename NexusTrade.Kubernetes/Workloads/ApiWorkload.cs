using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The market-data API in namespace nexustrade: two replicas, or two to six on CPU with Autoscaling=cpu (an HPA, which
/// needs the resource metrics API); settings in a ConfigMap, credentials from Secrets.
/// </summary>
public static class ApiWorkload
{
    /// <summary>Deploys the project as the API, reachable from any pod of the cluster.</summary>
    public static IResourceBuilder<ProjectResource> PublishAsKubernetesApi(this IResourceBuilder<ProjectResource> api, ProjectImage image,
        ResourceBudget budget) =>
        api.PublishAsKubernetes(Build, "api", ClusterTopology.ApplicationNamespace, budget, RuntimeUser.DotNetApp, image: image, openToCluster: true);

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = PublishContext.Identity(spec);
        // The provider URLs and the Redis connection string come translated from the model: the simulators' Services
        // when they are deployed, the vendor's URL otherwise; the Redis password as $(REDIS_PASSWORD) from its Secret.
        var environment = DotNetProject.Environment(spec, context);
        // Behind the ingress every client has the controller's address: its X-Forwarded-For is believed from the pod network only.
        foreach (var (network, index) in context.Options.TrustedProxyNetworks.Select((n, i) => (n, i)))
        {
            environment.Set($"ClientIdentity__TrustedNetworks__{index}", network);
        }

        // Settings from a ConfigMap, credentials (and values composed from them) from Secrets.
        var settings = new Dictionary<string, string>(environment.Literals.Where(v => !v.Value.Contains("$(", StringComparison.Ordinal)));
        environment.Remove(settings.ContainsKey);
        var config = ConfigMap(identity, $"{spec.Name}-config", settings);

        var port = Port(EndpointNames.Http, ComponentSpec.DotNetHttpPort);
        var container = DotNetProject.Container(spec, context, port);
        container.EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = config.Metadata.Name } }];
        container.Env = environment.Build();

        // /metrics answers on the management port only (DotNetProject), which the NetworkPolicy opens to Prometheus alone.
        var scrape = ScrapeAnnotations(DotNetProject.MetricsPort);
        var template = PodTemplate(identity, spec.Deployment.User, [container], [EmptyDir(TempVolume)], annotations: scrape).SpreadAcrossNodes(identity);
        var autoscaled = context.Options.Autoscaling == ApiAutoscaling.Cpu;
        return
        [
            config,
            // With the HPA, the Deployment leaves its count to it (a re-apply would otherwise reset a scaled-up count,
            // and a server-side apply conflict with the HPA's writes); without it, the floor as a fixed count.
            Deployment(identity, template, replicas: autoscaled ? null : HighAvailability.ApiMinReplicas),
            .. autoscaled
                ? new[] { Availability.CpuAutoscaler(identity, HighAvailability.ApiMinReplicas, HighAvailability.ApiMaxReplicas, HighAvailability.ApiCpuUtilizationPercent) }
                : [],
            Availability.DisruptionBudget(identity),
            .. DotNetProject.Network(spec, context, port, scrape),
        ];
    }

    /// <summary>The prometheus.io/* convention, for scrapers that discover by annotation (ours selects by label).</summary>
    private static Dictionary<string, string> ScrapeAnnotations(int port) => new()
    {
        ["prometheus.io/scrape"] = "true",
        ["prometheus.io/port"] = port.ToString(CultureInfo.InvariantCulture),
        ["prometheus.io/path"] = "/metrics",
    };
}
