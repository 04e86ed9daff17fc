using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class BlackboxExporterComponent
{
    /// <summary>
    /// The outside view: probes the API the way a client would (quote route, /health, the WebSocket handshake) with the
    /// modules of the repository's <c>prometheus/blackbox.yml</c>. Prometheus names target and module of each probe
    /// (<see cref="BlackboxExporterWorkload.WithProbe"/>).
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddBlackboxExporter(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime)
    {
        IResourceBuilder<IResourceWithEndpoints> exporter;
        if (!runtime.IsHost)
        {
            exporter = builder.AddPinnedContainer(name, runtime.Image(ContainerImages.BlackboxExporter), BlackboxExporterWorkload.Port)
                .WithBindMount(Path.Combine(runtime.PrometheusDirectory, BlackboxExporterWorkload.ConfigFileName),
                    $"{BlackboxExporterWorkload.ConfigDirectory}/{BlackboxExporterWorkload.ConfigFileName}", isReadOnly: true)
                .WithArgs(BlackboxExporterWorkload.ConfigFileArg());
        }
        else
        {
            var process = builder.AddHostProcess(name, "prometheus-blackbox-exporter", runtime.State(name));
            exporter = process.WithArgs(context =>
            {
                context.Args.Add(BlackboxExporterWorkload.ConfigFileArg(runtime.PrometheusDirectory));
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}"));
            });
        }
        // In the cluster: a Deployment as the image's user nobody.
        return exporter
            .WithHttpHealthCheck("/-/healthy")
            .PublishAsKubernetesBlackboxExporter(runtime.PrometheusDirectory, new ResourceBudget("10m", "32Mi", "100m", "64Mi"), RuntimeUser.Nobody);
    }
}
