using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>node-exporter on every node: a DaemonSet on the host's PID and network namespaces, the host's root read-only.</summary>
public static class NodeExporterWorkload
{
    /// <summary>node-exporter reads the host's filesystems through the host's root mounted here (container and cluster alike).</summary>
    public const string HostRoot = "/host";

    public const string RootFsArg = "--path.rootfs=" + HostRoot;

    public static IResourceBuilder<T> PublishAsKubernetesNodeExporter<T>(this IResourceBuilder<T> exporter, ResourceBudget budget, RuntimeUser user)
        where T : IResource =>
        // The chart runs node-exporter on every node already: in operator mode, nothing takes its place.
        exporter.PublishAsKubernetes(Build, "exporter", ClusterTopology.MonitoringNamespace, budget, user, operatorReplacement: (_, _) => []);

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        var container = HttpContainer(spec, spec.Image, port, "/", "/");
        // Filesystems are read through the host's root mounted below.
        container.Args = [RootFsArg];
        // HostToContainer: filesystems the host mounts later (new volumes) show up without a restart.
        container.VolumeMounts = [new V1VolumeMount { Name = "host-root", MountPath = HostRoot, ReadOnlyProperty = true, MountPropagation = "HostToContainer" }];

        var template = PodTemplate(identity, spec.Deployment.User, [container],
            [new V1Volume { Name = "host-root", HostPath = new V1HostPathVolumeSource { Path = "/", Type = "Directory" } }]);
        // The host's processes and network interfaces are what it reports on.
        template.Spec.HostPID = true;
        template.Spec.HostNetwork = true;
        template.Spec.DnsPolicy = "ClusterFirstWithHostNet";
        // Every node, control plane and tainted ones included.
        template.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }];
        return
        [
            DaemonSet(identity, template),
            // Headless: Prometheus discovers each node's endpoint, never a load-balanced one.
            Service(identity, [port], headless: true),
            // On the host network a NetworkPolicy does not apply (the pod has the node's address), so port 9100 is
            // open to whatever reaches the node; the policy takes effect if hostNetwork is ever turned off.
            NetworkPolicies.ForClients(spec, context, [port]),
        ];
    }
}
