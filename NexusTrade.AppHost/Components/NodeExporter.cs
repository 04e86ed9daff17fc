using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;

namespace NexusTrade.AppHost.Components;

public static class NodeExporterComponent
{
    /// <summary>Host metrics (CPU, memory, network, filesystems).</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddNodeExporter(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime)
    {
        if (!runtime.IsHost)
        {
            return builder.AddPinnedContainer(name, "quay.io/prometheus/node-exporter", "v1.8.2", 9100)
                .WithArgs("--path.rootfs=/host")
                .WithBindMount("/", "/host", isReadOnly: true)
                .WithHttpHealthCheck("/metrics");
        }

        var exporter = builder.AddHostProcess(name, "prometheus-node-exporter", "prometheus-node-exporter", runtime.State(name));
        return exporter
            .WithArgs(context => context.Args.Add(ReferenceExpression.Create($"--web.listen-address={exporter.LoopbackListenAddress()}")))
            .WithHttpHealthCheck("/metrics");
    }
}
