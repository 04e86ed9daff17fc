using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>A vendor or notification simulator in namespace nexustrade, deployed with IncludeSimulators=true only.</summary>
public static class SimulatorWorkload
{
    /// <summary>
    /// Deploys the project as a simulator; when it is not deployed, endpoints that refer to it resolve to the vendor it
    /// stands in for (<c>NexusTrade:Kubernetes:ProviderUrls:&lt;name&gt;</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> PublishAsKubernetesSimulator(this IResourceBuilder<ProjectResource> simulator, ProjectImage image,
        ResourceBudget budget) =>
        simulator.PublishAsKubernetes(Build, "simulator", ClusterTopology.ApplicationNamespace, budget, RuntimeUser.DotNetApp, image: image, isSimulator: true);

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        // Only the HTTP side is published: the inbox's SMTP listener binds to loopback only.
        var container = DotNetProject.Container(spec, context, port);
        container.Env = DotNetProject.Environment(spec, context).Build();

        return
        [
            Deployment(identity, PodTemplate(identity, spec.Deployment.User, [container], [EmptyDir(TempVolume)])),
            .. DotNetProject.Network(spec, context, port),
        ];
    }
}
