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
        exporter.PublishAsKubernetes(Build, "exporter", ClusterTopology.MonitoringNamespace, budget, user);

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        var container = HttpContainer(spec, spec.Image, port, "/health", "/health");
        // REDIS_ADDR is Redis's Service; REDIS_PASSWORD the redis-password parameter, i.e. Secret redis-auth.
        container.Env = EnvironmentBuilder.FromModel(spec, context).Build();
        return
        [
            Deployment(identity, PodTemplate(identity, spec.Deployment.User, [container])),
            Service(identity, [port]),
            NetworkPolicies.ForClients(spec, context, [port]),
        ];
    }
}
