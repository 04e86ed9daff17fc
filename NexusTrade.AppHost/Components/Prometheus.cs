using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Kubernetes;

namespace NexusTrade.AppHost.Components;

public static class PrometheusComponent
{
    public static readonly InfrastructureComponent Component = new("prometheus")
    {
        PinnedImage = "quay.io/prometheus/prometheus:v2.55.1",
        Host = new("prometheus", "prometheus", "promtool"),
        User = RuntimeUser.Nobody,
        Port = 9090,
        Budget = new("200m", "1Gi", "1", "2Gi"),
    };

    private static readonly PrometheusSettings Settings = PrometheusSettings.Default;

    /// <summary>
    /// Prometheus with the repository's <c>prometheus/prometheus.yml</c> and <c>prometheus/rules/</c>; its scrape jobs
    /// and Alertmanagers come from the app model (<see cref="LocalPrometheusConfig"/>), their addresses are written into
    /// <c>targets/*.json</c> (file service discovery) once the ports are known.
    /// <paramref name="replicas"/> above one (host mode) are an HA pair: each scrapes every target, evaluates every rule
    /// and sends to every Alertmanager, told apart by the <c>replica</c> external label (the resource's name), which
    /// prometheus.yml drops from alerts so that the Alertmanagers see one alert, not two.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddPrometheus(this IDistributedApplicationBuilder builder,
        StackRuntime runtime, int replicas, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> alertmanagers,
        IResourceBuilder<ParameterResource> loginPassword)
    {
        if (!runtime.IsHost)
        {
            var container = builder.AddPrometheusContainer(Component.Name, runtime, loginPassword);
            return [container.WithTargetsAndAlerting(runtime, [container], alertmanagers, loginPassword)];
        }
        var pair = LocalTopology.ReplicaNames(Component.Name, replicas).Select(replica => builder.AddPrometheusProcess(replica, runtime, loginPassword)).ToList();
        foreach (var prometheus in pair) prometheus.WithTargetsAndAlerting(runtime, pair, alertmanagers, loginPassword);
        return pair;
    }

    /// <summary>The variable that prometheus.yml's <c>replica</c> external label expands (--enable-feature=expand-external-labels).</summary>
    public const string ReplicaVariable = "PROMETHEUS_REPLICA";

    /// <summary>The login files as a container sees them (single-file mounts: the directory above them admits its owner alone).</summary>
    private const string ContainerWebConfig = $"/etc/prometheus/{MonitoringLogin.WebConfigKey}";

    private const string ContainerPasswordFile = $"/etc/prometheus/monitoring-{MonitoringLogin.PasswordKey}";

    private const string ExpandExternalLabelsArg = "--enable-feature=expand-external-labels";

    private static IResourceBuilder<ExecutableResource> AddPrometheusProcess(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime,
        IResourceBuilder<ParameterResource> loginPassword)
    {
        var login = LocalMonitoringLogin.For(runtime, name);
        var targetsDirectory = runtime.State(name, LocalPrometheusConfig.TargetsDirectory);
        // Prometheus resolves rule and target paths relative to the config file, so the rendered config sits in the
        // state directory next to links to the repository's rules and to the generated targets.
        var etc = runtime.State(name, "etc");
        Link(Path.Combine(etc, "rules"), Path.Combine(runtime.PrometheusDirectory, "rules"));
        Link(Path.Combine(etc, LocalPrometheusConfig.TargetsDirectory), targetsDirectory);
        var configFile = Path.Combine(etc, "prometheus.yml");
        var process = builder.AddComponentProcess(Component, runtime, name).WithEnvironment(ReplicaVariable, name);
        return process.WithArgs(context =>
        {
            context.Args.Add(ConfigFileArgument(process.Resource, configFile, configFile, targetsDirectory, login.Password, runtime));
            context.Args.Add(LocalMonitoringLogin.WebConfigArgument(loginPassword, login, login.WebConfig, runtime));
            foreach (var arg in Settings.StorageArgs(runtime.State(name, "data"))) context.Args.Add(arg);
            context.Args.Add(ReferenceExpression.Create($"--web.listen-address={process.LoopbackListenAddress()}"));
            context.Args.Add(PrometheusSettings.ForGracePeriodArg);
            context.Args.Add("--web.enable-lifecycle");
            context.Args.Add(ExpandExternalLabelsArg);
        });
    }

    private static IResourceBuilder<ContainerResource> AddPrometheusContainer(this IDistributedApplicationBuilder builder, string name, StackRuntime runtime,
        IResourceBuilder<ParameterResource> loginPassword)
    {
        var login = LocalMonitoringLogin.For(runtime, name);
        var targetsDirectory = runtime.State(name, LocalPrometheusConfig.TargetsDirectory);
        // A file must be there when the mount is declared (Docker would create a directory); the config is rendered
        // into it just before the container is created.
        var renderedConfig = Path.Combine(runtime.State(name, "etc"), "prometheus.yml");
        foreach (var file in new[] { renderedConfig, login.WebConfig, login.Password }.Where(file => !File.Exists(file))) File.WriteAllText(file, "");
        var container = builder.AddComponentContainer(Component, runtime);
        return container
                .WithBindMount(renderedConfig, "/etc/prometheus/prometheus.yml", isReadOnly: true)
                .WithBindMount(Path.Combine(runtime.PrometheusDirectory, "rules"), "/etc/prometheus/rules", isReadOnly: true)
                .WithBindMount(targetsDirectory, "/etc/prometheus/targets", isReadOnly: true)
                .WithBindMount(login.WebConfig, ContainerWebConfig, isReadOnly: true)
                .WithBindMount(login.Password, ContainerPasswordFile, isReadOnly: true)
                .WithVolume(runtime.Volume($"{name}-data"), "/prometheus")
                .WithEnvironment(ReplicaVariable, name)
                .WithArgs([ConfigFileArgument(container.Resource, "/etc/prometheus/prometheus.yml", renderedConfig, targetsDirectory, ContainerPasswordFile, runtime),
                    LocalMonitoringLogin.WebConfigArgument(loginPassword, login, ContainerWebConfig, runtime),
                    .. Settings.StorageArgs("/prometheus"), PrometheusSettings.ForGracePeriodArg, "--web.enable-lifecycle", ExpandExternalLabelsArg]);
    }

    /// <summary>
    /// Prometheus scrapes itself and its twin, and every Alertmanager (from the same target file it sends alerts to),
    /// and starts once the Alertmanagers have started; it does not wait for the application, so that monitoring comes
    /// up even when the API cannot.
    /// </summary>
    private static IResourceBuilder<T> WithTargetsAndAlerting<T>(this IResourceBuilder<T> prometheus, StackRuntime runtime,
        IReadOnlyList<IResourceBuilder<T>> pair, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> alertmanagers,
        IResourceBuilder<ParameterResource> loginPassword)
        where T : IResourceWithEndpoints, IResourceWithWaitSupport
    {
        // In the cluster: a StatefulSet with the repository's rules. Every path asks for the monitoring login.
        prometheus.PublishAsKubernetesPrometheus(Settings, runtime.PrometheusDirectory, Component.Budget, Component.User)
            .WithMonitoringLogin(loginPassword)
            .WithReadinessCheck("/-/ready");
        foreach (var replica in pair) prometheus.WithScrapeTarget("prometheus", replica);
        foreach (var alertmanager in alertmanagers)
        {
            // The target files need only Alertmanager's address, and Prometheus retries sending: started is enough.
            prometheus.WithScrapeTarget("alertmanager", alertmanager).WaitForStart(alertmanager);
        }
        return prometheus;
    }

    /// <summary>
    /// <c>--config.file</c> (<paramref name="configFile"/> as Prometheus sees it); resolving it renders the config into
    /// <paramref name="renderedConfig"/> from the app model, and writes the scrape and probe targets (targets/*.json,
    /// file service discovery) with the addresses DCP allocated. The targets are references: a host project among them
    /// gets a container tunnel.
    /// </summary>
    private static RenderedConfigArgument ConfigFileArgument(IResource prometheus, string configFile, string renderedConfig, string targetsDirectory,
        string passwordFile, StackRuntime runtime) =>
        new($"--config.file={configFile}",
            async cancellationToken =>
            {
                var baseConfig = await File.ReadAllTextAsync(Path.Combine(runtime.PrometheusDirectory, "prometheus.yml"), cancellationToken);
                await WriteAtomicallyAsync(renderedConfig, LocalPrometheusConfig.Render(baseConfig, prometheus, passwordFile), cancellationToken);
                await WriteTargetFilesAsync(prometheus, targetsDirectory, runtime, cancellationToken);
            },
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
                new Dictionary<string, string>(probe.Labels) { [ScrapeModel.ExporterAddressLabel] = exporter }));
        }
        if (probes.Count > 0) await WriteTargetFileAsync(directory, ProbeTargetAnnotation.Job, probes, cancellationToken);
    }

    private sealed record TargetGroup(string[] targets, Dictionary<string, string> labels);

    private static Task WriteTargetFileAsync(string directory, string job, IEnumerable<TargetGroup> groups, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(Path.Combine(directory, job + ".json"), JsonSerializer.Serialize(groups), cancellationToken);

    /// <summary>
    /// Written to a temporary file and renamed: Prometheus watches the target directory and must never read half a
    /// file. A link left by an older AppHost (the config used to link to the repository's file) is replaced, not followed.
    /// </summary>
    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path + ".tmp", content, cancellationToken);
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
