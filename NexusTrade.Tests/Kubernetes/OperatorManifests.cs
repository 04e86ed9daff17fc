using k8s;
using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>The publish output in operator mode (Monitoring=operator, the default Operator:* settings), produced once for the collection.</summary>
public sealed class OperatorManifests : IAsyncLifetime
{
    public const string OperatorNamespace = "monitoring";

    public static readonly string[] Settings = ["--NexusTrade:Kubernetes:Monitoring=operator"];

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-operator-" + Guid.NewGuid().ToString("N")[..8]);

    public IReadOnlyList<PublishedObject> Objects { get; private set; } = [];

    public IReadOnlyDictionary<string, string> Files { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        await PublishedManifests.PublishAsync(Directory, Settings);
        (Files, Objects) = PublishedManifests.Load(Directory);
    }

    public Task DisposeAsync() => PublishedManifests.RemoveAsync(Directory);

    public IEnumerable<T> All<T>() where T : IKubernetesObject<V1ObjectMeta> => Objects.Select(o => o.Object).OfType<T>();

    /// <summary>The objects the operator selects: ServiceMonitors, PodMonitors, Probes, PrometheusRules, AlertmanagerConfigs.</summary>
    public IEnumerable<PublishedObject> OperatorObjects => Objects.Where(o => o.Object.ApiVersion.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal));
}

[CollectionDefinition(Name)]
public sealed class OperatorManifestsCollection : ICollectionFixture<OperatorManifests>
{
    public const string Name = "Kubernetes manifests, operator mode";
}
