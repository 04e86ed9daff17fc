using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class BlackboxExporterComponent
{
    public static readonly InfrastructureComponent Component = new("blackbox-exporter")
    {
        PinnedImage = "docker.io/prom/blackbox-exporter:v0.25.0",
        Host = new("prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
        User = RuntimeUser.Nobody,
        Port = 9115,
        Budget = new("10m", "32Mi", "100m", "64Mi"),
    };

    /// <summary>
    /// The outside view: probes the API the way a client would (quote route, /health, the WebSocket handshake) with the
    /// modules of the repository's <c>prometheus/blackbox.yml</c>. Prometheus names target and module of each probe
    /// (<see cref="BlackboxExporterWorkload.WithProbe"/>).
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddBlackboxExporter(this IDistributedApplicationBuilder builder, StackRuntime runtime)
    {
        IResourceBuilder<IResourceWithEndpoints> exporter;
        if (!runtime.IsHost)
        {
            exporter = builder.AddComponentContainer(Component, runtime)
                .WithBindMount(Path.Combine(runtime.PrometheusDirectory, BlackboxExporterWorkload.ConfigFileName),
                    $"{BlackboxExporterWorkload.ConfigDirectory}/{BlackboxExporterWorkload.ConfigFileName}", isReadOnly: true)
                .WithArgs(BlackboxExporterWorkload.ConfigFileArg());
        }
        else
        {
            var process = builder.AddComponentProcess(Component, runtime);
            exporter = process.WithArgs(context =>
            {
                context.Args.Add(BlackboxExporterWorkload.ConfigFileArg(runtime.PrometheusDirectory));
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}"));
            });
        }
        // In the cluster: a Deployment.
        return exporter
            .WithHttpHealthCheck("/-/healthy")
            .PublishAsKubernetesBlackboxExporter(runtime.PrometheusDirectory, Component.Budget, Component.User);
    }
}
