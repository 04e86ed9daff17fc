using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class NodeExporterComponent
{
    public static readonly InfrastructureComponent Component = new("node-exporter")
    {
        PinnedImage = "quay.io/prometheus/node-exporter:v1.8.2",
        Host = new("prometheus-node-exporter", "prometheus-node-exporter"),
        User = RuntimeUser.Nobody,
        Port = 9100,
        Budget = new("20m", "32Mi", "250m", "128Mi"),
    };

    /// <summary>Host metrics (CPU, memory, network, filesystems).</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddNodeExporter(this IDistributedApplicationBuilder builder, StackRuntime runtime)
    {
        IResourceBuilder<IResourceWithEndpoints> exporter;
        if (!runtime.IsHost)
        {
            exporter = builder.AddComponentContainer(Component, runtime)
                .WithArgs(NodeExporterWorkload.RootFsArg)
                .WithBindMount("/", NodeExporterWorkload.HostRoot, isReadOnly: true);
        }
        else
        {
            var process = builder.AddComponentProcess(Component, runtime);
            exporter = process.WithArgs(context => context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}")));
        }
        // In the cluster: a DaemonSet.
        return exporter
            .WithHttpHealthCheck("/metrics")
            .PublishAsKubernetesNodeExporter(Component.Budget, Component.User);
    }
}
