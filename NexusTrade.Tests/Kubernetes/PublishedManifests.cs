using k8s;
using k8s.Models;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>One object of the published output and the file it came from (relative to the output directory).</summary>
public sealed record PublishedObject(string File, IKubernetesObject<V1ObjectMeta> Object)
{
    public string Kind => Object.Kind;
    public string Name => Object.Metadata.Name;
    public string? Namespace => Object.Metadata.NamespaceProperty;
    public override string ToString() => $"{Kind} {Namespace}/{Name} ({File})";
}

/// <summary>
/// The AppHost's Kubernetes publish output, produced once for the whole collection by running the built AppHost with
/// <c>--operation publish --step publish --output-path DIR</c>, exactly as a developer does. The secret parameters are
/// given known "canary" values so that the tests can prove that no parameter value reaches a manifest.
/// </summary>
public sealed class PublishedManifests : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> CanaryParameters = new Dictionary<string, string>
    {
        ["redis-password"] = "CanaryRedisPassword4f1c9e2b7a",
        ["marketdata-api-key"] = "CanaryMarketDataKey8d3a6b0c5e",
        ["grafana-admin-password"] = "CanaryGrafanaPassword2b7e9f4a1d",
    };

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-" + Guid.NewGuid().ToString("N")[..8]);

    public IReadOnlyList<PublishedObject> Objects { get; private set; } = [];

    /// <summary>Every file written, relative path to content.</summary>
    public IReadOnlyDictionary<string, string> Files { get; private set; } = new Dictionary<string, string>();

    public string PublishLog { get; private set; } = "";

    public async Task InitializeAsync()
    {
        PublishLog = await PublishAsync(Directory);
        (Files, Objects) = Load(Directory);
    }

    public Task DisposeAsync() => RemoveAsync(Directory);

    /// <summary>Deletes a publish output directory, leaving it to the temporary directory's cleanup if it is still in use.</summary>
    public static Task RemoveAsync(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    public IEnumerable<T> All<T>() where T : IKubernetesObject<V1ObjectMeta> => Objects.Select(o => o.Object).OfType<T>();

    public T Get<T>(string? @namespace, string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.NamespaceProperty == @namespace && o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} {@namespace}/{name} was published.");

    /// <summary>Deployments, StatefulSets and DaemonSets with their pod templates.</summary>
    public IEnumerable<Workload> Workloads => Objects.Select(o => Workload.From(o.Object)).OfType<Workload>();

    /// <summary>Runs the built AppHost's publish step into <paramref name="output"/>; returns its log.</summary>
    public static async Task<string> PublishAsync(string output, params string[] extraArgs)
    {
        string[] args =
        [
            RepoPaths.AppHostAssembly(), "--operation", "publish", "--step", "publish", "--output-path", output,
            $"--NexusTrade:ConfigRoot={RepoPaths.Root}",
            .. CanaryParameters.Select(p => $"--Parameters:{p.Key}={p.Value}"),
            .. extraArgs,
        ];
        var (exitCode, log) = await ToolRunner.RunAsync("dotnet", args, TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 0, $"Publishing failed ({exitCode}):\n{log}");
        Assert.True(File.Exists(Path.Combine(output, "kustomization.yaml")), $"No kustomization.yaml in {output}:\n{log}");
        return log;
    }

    /// <summary>KubernetesClient's models and the publisher's Prometheus Operator objects, by "apiVersion/kind".</summary>
    private static readonly Dictionary<string, Type> TypeMap = typeof(V1Pod).Assembly.GetTypes()
        .Concat(typeof(NexusTrade.Kubernetes.ServiceMonitor).Assembly.GetTypes())
        .Select(type => (Type: type, Entity: type.GetCustomAttributes(typeof(KubernetesEntityAttribute), false).OfType<KubernetesEntityAttribute>().FirstOrDefault()))
        .Where(t => t.Entity is not null && !t.Type.IsAbstract)
        .GroupBy(t => $"{(string.IsNullOrEmpty(t.Entity!.Group) ? "" : t.Entity.Group + "/")}{t.Entity.ApiVersion}/{t.Entity.Kind}")
        .ToDictionary(g => g.Key, g => g.First().Type);

    /// <summary>
    /// A publish that must fail on a setting: its log, after checking that nothing was published (exit code 0 alone
    /// would not prove it: Aspire's pipeline may log a failed step and still exit 0).
    /// </summary>
    public static async Task<string> FailingPublishAsync(string output, params string[] extraArgs)
    {
        string[] args =
        [
            RepoPaths.AppHostAssembly(), "--operation", "publish", "--step", "publish", "--output-path", output,
            $"--NexusTrade:ConfigRoot={RepoPaths.Root}", .. CanaryParameters.Select(p => $"--Parameters:{p.Key}={p.Value}"), .. extraArgs,
        ];
        var (exitCode, log) = await ToolRunner.RunAsync("dotnet", args, TimeSpan.FromMinutes(3));
        Assert.False(File.Exists(Path.Combine(output, "kustomization.yaml")), $"Published anyway (exit {exitCode}):\n{log}");
        return log;
    }

    /// <summary>Every YAML file of the output, each document deserialized strictly (an unknown field fails).</summary>
    public static (IReadOnlyDictionary<string, string> Files, IReadOnlyList<PublishedObject> Objects) Load(string directory)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var objects = new List<PublishedObject>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, path).Replace('\\', '/');
            var content = File.ReadAllText(path);
            files[relative] = content;
            if (Path.GetFileName(path) == "kustomization.yaml") continue;
            foreach (var document in KubernetesYaml.LoadAllFromString(content, TypeMap, strict: true))
            {
                objects.Add(new PublishedObject(relative, (IKubernetesObject<V1ObjectMeta>)document));
            }
        }
        return (files, objects);
    }
}

/// <summary>A workload and its pod template.</summary>
public sealed record Workload(IKubernetesObject<V1ObjectMeta> Object, V1PodTemplateSpec Template, IReadOnlyList<V1PersistentVolumeClaim> ClaimTemplates)
{
    public string Name => Object.Metadata.Name;
    public string Namespace => Object.Metadata.NamespaceProperty;
    public V1PodSpec Pod => Template.Spec;
    public IEnumerable<V1Container> Containers => Pod.Containers.Concat(Pod.InitContainers ?? []);

    public static Workload? From(IKubernetesObject<V1ObjectMeta> o) => o switch
    {
        V1Deployment d => new Workload(d, d.Spec.Template, []),
        V1StatefulSet s => new Workload(s, s.Spec.Template, s.Spec.VolumeClaimTemplates?.ToList() ?? []),
        V1DaemonSet d => new Workload(d, d.Spec.Template, []),
        _ => null,
    };

    public override string ToString() => $"{Object.Kind} {Namespace}/{Name}";
}

[CollectionDefinition(Name)]
public sealed class PublishedManifestsCollection : ICollectionFixture<PublishedManifests>
{
    public const string Name = "Kubernetes manifests";
}
