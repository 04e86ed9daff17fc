using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class PrometheusComponent
{
    private static readonly PrometheusSettings Settings = PrometheusSettings.Default;

    /// <summary>
    /// Prometheus with the repository's <c>prometheus/prometheus.yml</c> and <c>prometheus/rules/</c>; the scrape and
    /// Alertmanager targets are written into <c>targets/*.json</c> (file service discovery) once the ports are known.
    /// <paramref name="replicas"/> above one (host mode) are an HA pair: each scrapes every target, evaluates every rule
    /// and sends to every Alertmanager, told apart by the <c>replica</c> external label (the resource's name), which
    /// prometheus.yml drops from alerts so that the Alertmanagers see one alert, not two.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddPrometheus(this IDistributedApplicationBuilder builder, string name,
        StackRuntime runtime, int replicas, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> alertmanagers)
    {
        if (!runtime.IsHost)
        {
            var container = builder.AddPrometheusContainer(name, runtime);
            return [container.WithTargetsAndAlerting(runtime, [container], alertmanagers)];
        }
        var pair = LocalTopology.ReplicaNames(name, replicas).Select(replica => builder.AddPrometheusProcess(replica, runtime)).ToList();
        foreach (var prometheus in pair) prometheus.WithTargetsAndAlerting(runtime, pair, alertmanagers);
        return pair;
    }

    /// <summary>The variable that prometheus.yml's <c>replica</c> external label expands (--enable-feature=expand-external-labels).</summary>
    public const string ReplicaVariable = "PROMETHEUS_REPLICA";

    private const string ExpandExternalLabelsArg = "--enable-feature=expand-external-labels";

    private static IResourceBuilder<ExecutableResource> AddPrometheusProcess(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime)
    {
        var targetsDirectory = runtime.State(name, "targets");
        // Prometheus resolves rule and target paths relative to the config file, so the config sits in the state
        // directory as a link to the repository's file, next to links to its rules and the generated targets.
        var etc = runtime.State(name, "etc");
        Link(Path.Combine(etc, "prometheus.yml"), Path.Combine(runtime.PrometheusDirectory, "prometheus.yml"));
        Link(Path.Combine(etc, "rules"), Path.Combine(runtime.PrometheusDirectory, "rules"));
        Link(Path.Combine(etc, "targets"), targetsDirectory);
        var process = builder.AddHostProcess(name, "prometheus", runtime.State(name)).WithEnvironment(ReplicaVariable, name);
        return process.WithArgs(context =>
        {
            context.Args.Add(ConfigFileArgument(process.Resource, Path.Combine(etc, "prometheus.yml"), targetsDirectory, runtime));
            foreach (var arg in Settings.StorageArgs(runtime.State(name, "data"))) context.Args.Add(arg);
            context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}"));
            context.Args.Add(PrometheusSettings.ForGracePeriodArg);
            context.Args.Add("--web.enable-lifecycle");
            context.Args.Add(ExpandExternalLabelsArg);
        });
    }

    private static IResourceBuilder<ContainerResource> AddPrometheusContainer(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime)
    {
        var targetsDirectory = runtime.State(name, "targets");
        var container = builder.AddPinnedContainer(name, runtime.Image(ContainerImages.Prometheus), 9090);
        return container
                .WithBindMount(Path.Combine(runtime.PrometheusDirectory, "prometheus.yml"), "/etc/prometheus/prometheus.yml", isReadOnly: true)
                .WithBindMount(Path.Combine(runtime.PrometheusDirectory, "rules"), "/etc/prometheus/rules", isReadOnly: true)
                .WithBindMount(targetsDirectory, "/etc/prometheus/targets", isReadOnly: true)
                .WithVolume(runtime.Volume("prometheus-data"), "/prometheus")
                .WithEnvironment(ReplicaVariable, name)
                .WithArgs([ConfigFileArgument(container.Resource, "/etc/prometheus/prometheus.yml", targetsDirectory, runtime),
                    .. Settings.StorageArgs("/prometheus"), PrometheusSettings.ForGracePeriodArg, "--web.enable-lifecycle", ExpandExternalLabelsArg]);
    }

    /// <summary>
    /// Prometheus scrapes itself and its twin, and every Alertmanager (from the same target file it sends alerts to),
    /// and starts once the Alertmanagers have started; it does not wait for the application, so that monitoring comes
    /// up even when the API cannot.
    /// </summary>
    private static IResourceBuilder<T> WithTargetsAndAlerting<T>(this IResourceBuilder<T> prometheus, StackRuntime runtime,
        IReadOnlyList<IResourceBuilder<T>> pair, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> alertmanagers)
        where T : IResourceWithEndpoints, IResourceWithWaitSupport
    {
        // In the cluster: a StatefulSet as the image's user nobody, with the repository's rules.
        prometheus.PublishAsKubernetesPrometheus(Settings, runtime.PrometheusDirectory, new ResourceBudget("200m", "1Gi", "1", "2Gi"), RuntimeUser.Nobody)
            .WithHttpHealthCheck("/-/ready");
        foreach (var replica in pair) prometheus.WithScrapeTarget("prometheus", replica);
        foreach (var alertmanager in alertmanagers)
        {
            // The target files need only Alertmanager's address, and Prometheus retries sending: started is enough.
            prometheus.WithScrapeTarget("alertmanager", alertmanager).WaitForStart(alertmanager);
        }
        return prometheus;
    }

    /// <summary>
    /// <c>--config.file</c>; resolving it writes the scrape and probe targets (targets/*.json, file service discovery)
    /// with the addresses DCP allocated. The targets are references: a host project among them gets a container tunnel.
    /// </summary>
    private static RenderedConfigArgument ConfigFileArgument(IResource prometheus, string configFile, string targetsDirectory, StackRuntime runtime) =>
        new($"--config.file={configFile}",
            cancellationToken => WriteTargetFilesAsync(prometheus, targetsDirectory, runtime, cancellationToken),
            prometheus.Annotations.OfType<ScrapeTargetAnnotation>().Select(target => (object)target.Endpoint)
                .Concat(prometheus.Annotations.OfType<ProbeTargetAnnotation>().SelectMany(probe => new object[] { probe.Exporter, probe.Target })));

    private static async Task WriteTargetFilesAsync(IResource prometheus, string directory, StackRuntime runtime, CancellationToken cancellationToken)
    {
        // One file per job, with every replica of the job's target (both APIs, all Alertmanagers) in it.
        foreach (var job in prometheus.Annotations.OfType<ScrapeTargetAnnotation>().GroupBy(target => target.Job))
        {
            var addresses = new List<string>();
            foreach (var target in job) addresses.Add(await target.Endpoint.AddressFromAsync(prometheus, runtime, cancellationToken));
            await WriteTargetFileAsync(directory, job.Key, [new TargetGroup([.. addresses], new Dictionary<string, string>())], cancellationToken);
        }

        // Probes: the target is what the exporter probes, the exporter's address a hidden label that job blackbox's
        // relabelling turns into the scraped address (prometheus/prometheus.yml). On the container network every
        // container reaches a host project through the same tunnel address, so Prometheus's view serves the exporter too.
        var probes = new List<TargetGroup>();
        foreach (var probe in prometheus.Annotations.OfType<ProbeTargetAnnotation>())
        {
            var target = await probe.Target.AddressFromAsync(prometheus, runtime, cancellationToken);
            var exporter = await probe.Exporter.AddressFromAsync(prometheus, runtime, cancellationToken);
            probes.Add(new TargetGroup([probe.TargetParameter(target)],
                new Dictionary<string, string>(probe.Labels) { [PrometheusKubernetesConfig.ExporterAddressLabel] = exporter }));
        }
        if (probes.Count > 0) await WriteTargetFileAsync(directory, ProbeTargetAnnotation.Job, probes, cancellationToken);
    }

    private sealed record TargetGroup(string[] targets, Dictionary<string, string> labels);

    private static async Task WriteTargetFileAsync(string directory, string job, IEnumerable<TargetGroup> groups, CancellationToken cancellationToken)
    {
        // Written to a temporary file and renamed: Prometheus watches the directory and must never read half a file.
        var path = Path.Combine(directory, job + ".json");
        await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(groups), cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static void Link(string path, string target)
    {
        if (Directory.Exists(path) || File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            if (new FileInfo(path).LinkTarget == target) return;
            File.Delete(path);
        }
        if (Directory.Exists(target)) Directory.CreateSymbolicLink(path, target);
        else File.CreateSymbolicLink(path, target);
    }
}
