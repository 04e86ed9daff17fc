using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class NodeExporterComponent
{
    /// <summary>Host metrics (CPU, memory, network, filesystems).</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddNodeExporter(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime)
    {
        IResourceBuilder<IResourceWithEndpoints> exporter;
        if (!runtime.IsHost)
        {
            exporter = builder.AddPinnedContainer(name, runtime.Image(ContainerImages.NodeExporter), 9100)
                .WithArgs(NodeExporterSettings.RootFsArg)
                .WithBindMount("/", NodeExporterSettings.HostRoot, isReadOnly: true);
        }
        else
        {
            var process = builder.AddHostProcess(name, "prometheus-node-exporter", runtime.State(name));
            exporter = process.WithArgs(context => context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}")));
        }
        // In the cluster: a DaemonSet as the image's user nobody.
        return exporter
            .WithHttpHealthCheck("/metrics")
            .PublishAsKubernetesNodeExporter(new ResourceBudget("20m", "32Mi", "250m", "128Mi"), RuntimeUser.Nobody);
    }
}
