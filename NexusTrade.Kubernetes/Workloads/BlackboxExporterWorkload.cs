using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using static NexusTrade.Kubernetes.ManifestBuilder;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The blackbox exporter in namespace monitoring: probes the API from outside its pods, with the modules of the
/// repository's <c>prometheus/blackbox.yml</c> (a ConfigMap). Prometheus alone may call it: /probe makes it connect anywhere.
/// </summary>
public static class BlackboxExporterWorkload
{
    public const string ConfigFileName = "blackbox.yml";
    public const string ConfigDirectory = "/etc/blackbox_exporter";

    /// <summary><c>--config.file</c> of every runtime: the file mounted at <see cref="ConfigDirectory"/>.</summary>
    public static string ConfigFileArg(string directory = ConfigDirectory) => $"--config.file={directory}/{ConfigFileName}";

    public static IResourceBuilder<T> PublishAsKubernetesBlackboxExporter<T>(this IResourceBuilder<T> exporter, string prometheusDirectory,
        ResourceBudget budget, RuntimeUser user) where T : IResource =>
        exporter.PublishAsKubernetes((spec, context) => Build(spec, context, prometheusDirectory), "exporter", ClusterTopology.MonitoringNamespace, budget, user);

    /// <summary>
    /// Prometheus probes <paramref name="path"/> of <paramref name="target"/> through <paramref name="exporter"/> with
    /// <paramref name="module"/>, labelled probe=<paramref name="probe"/>; in the cluster, the exporter's NetworkPolicy admits Prometheus.
    /// </summary>
    public static IResourceBuilder<T> WithProbe<T, TExporter, TTarget>(this IResourceBuilder<T> prometheus, string probe, IResourceBuilder<TExporter> exporter,
        BlackboxModule module, IResourceBuilder<TTarget> target, string path)
        where T : IResourceWithEndpoints where TExporter : IResourceWithEndpoints where TTarget : IResourceWithEndpoints
    {
        exporter.WithKubernetesClient(prometheus);
        return prometheus.WithAnnotation(new ProbeTargetAnnotation(probe, module,
            exporter.GetEndpoint(EndpointNames.Http), target.GetEndpoint(EndpointNames.Http), path));
    }

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(ComponentSpec spec, PublishContext context, string prometheusDirectory)
    {
        var identity = PublishContext.Identity(spec);
        var port = spec.ContainerPort(EndpointNames.Http);
        var config = ConfigMap(identity, $"{spec.Name}-config",
            new Dictionary<string, string> { [ConfigFileName] = File.ReadAllText(Path.Combine(prometheusDirectory, ConfigFileName)) });

        // Ready and alive on its own health endpoint; the probes themselves never decide whether the exporter restarts.
        var container = HttpContainer(spec, spec.Image, port, "/-/healthy", "/-/healthy");
        container.Args = [ConfigFileArg(), $"--web.listen-address=:{port.ContainerPort}"];
        container.VolumeMounts = [Mount("config", ConfigDirectory)];
        // The http and tcp probers need no capability (only icmp would want NET_RAW): it runs with none, as nobody.
        var template = PodTemplate(identity, spec.Deployment.User, [container], [ConfigMapVolume("config", config.Metadata.Name)]);
        return
        [
            config,
            Deployment(identity, template),
            Service(identity, [port]),
            NetworkPolicies.ForClients(spec, context, [port]),
        ];
    }
}
