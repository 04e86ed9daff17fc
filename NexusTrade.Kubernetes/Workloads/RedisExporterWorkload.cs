using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>redis-exporter in namespace monitoring: Redis's address and password come translated from the model.</summary>
public static class RedisExporterWorkload
{
    public static IResourceBuilder<T> PublishAsKubernetesRedisExporter<T>(this IResourceBuilder<T> exporter, ResourceBudget budget, RuntimeUser user)
        where T : IResource =>
        exporter.PublishAsKubernetes(new KubernetesDeploymentAnnotation(Build)
        {
            Role = "exporter",
            Namespace = ClusterTopology.MonitoringNamespace,
            Budget = budget,
            User = user,
        });

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(PrometheusWorkload.Endpoint);
        var container = Harden(new V1Container
        {
            Name = spec.Name,
            Image = spec.Image,
            // REDIS_ADDR is Redis's Service; REDIS_PASSWORD the redis-password parameter, i.e. Secret redis-auth.
            Env = EnvironmentBuilder.FromModel(spec, context).Build(),
            Ports = [port],
            ReadinessProbe = HttpProbe("/health", port.Name),
            LivenessProbe = HttpProbe("/health", port.Name, failureThreshold: 6),
        }, spec.Deployment.Budget);
        return
        [
            Deployment(identity, PodTemplate(identity, spec.Deployment.User, [container])),
            Service(identity, [port]),
            NetworkPolicies.ForClients(spec, [port]),
        ];
    }
}
