using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// NexusTrade:Kubernetes:Otlp:*: every .NET workload gets the OpenTelemetry SDK's variables (endpoint, protocol,
/// service name, resource attributes from the pod, headers from a Secret); without the setting none of them.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class OtlpExportTests(PublishedManifests published) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-otlp-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>What the setting adds (Aspire's OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY is there either way, and harmless without an endpoint).</summary>
    private static readonly string[] ExporterVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "K8S_POD_NAME", "K8S_NAMESPACE_NAME"];

    private static readonly string[] DotNetWorkloads = ["api", "marketfeed-primary", "marketfeed-secondary", "alert-inbox"];

    [Fact]
    public async Task The_setting_gives_every_dotnet_workload_its_exporter_with_the_pod_as_resource()
    {
        await PublishedManifests.PublishAsync(_directory, "--NexusTrade:Kubernetes:IncludeSimulators=true",
            "--NexusTrade:Kubernetes:Otlp:Endpoint=http://otel-collector.observability.svc:4318",
            "--NexusTrade:Kubernetes:Otlp:Protocol=http/protobuf", "--NexusTrade:Kubernetes:Otlp:HeadersSecret=otlp-headers");
        var (_, objects) = PublishedManifests.Load(_directory);
        var workloads = objects.Select(o => Workload.From(o.Object)).OfType<Workload>().ToList();

        foreach (var name in DotNetWorkloads)
        {
            var workload = workloads.Single(w => w.Name == name);
            var variables = Variables(workload, objects);
            Assert.Equal("http://otel-collector.observability.svc:4318/", variables["OTEL_EXPORTER_OTLP_ENDPOINT"].Value);
            Assert.Equal("http/protobuf", variables["OTEL_EXPORTER_OTLP_PROTOCOL"].Value);
            Assert.Equal(name, variables["OTEL_SERVICE_NAME"].Value);
            Assert.Equal($"service.namespace={workload.Namespace},k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME)",
                variables["OTEL_RESOURCE_ATTRIBUTES"].Value);
            Assert.Equal("metadata.name", variables["K8S_POD_NAME"].ValueFrom.FieldRef.FieldPath);
            Assert.Equal("metadata.namespace", variables["K8S_NAMESPACE_NAME"].ValueFrom.FieldRef.FieldPath);
            // Kubernetes expands $(VAR) only from variables defined before, in env (never from a ConfigMap).
            var env = workload.Pod.Containers.Single().Env.Select(v => v.Name).ToList();
            Assert.True(env.IndexOf("K8S_POD_NAME") is >= 0 and var pod && pod < env.IndexOf("OTEL_RESOURCE_ATTRIBUTES")
                && env.IndexOf("K8S_NAMESPACE_NAME") is >= 0 and var ns && ns < env.IndexOf("OTEL_RESOURCE_ATTRIBUTES"), $"{name}: {string.Join(", ", env)}");
            var headers = variables["OTEL_EXPORTER_OTLP_HEADERS"].ValueFrom.SecretKeyRef;
            Assert.Equal(("otlp-headers", "headers"), (headers.Name, headers.Key));
            Assert.Contains(objects, o => o.File.StartsWith("secrets/", StringComparison.Ordinal) && o.Name == "otlp-headers" && o.Namespace == workload.Namespace);
        }
    }

    [Fact]
    public void Without_the_setting_no_workload_has_an_otlp_variable()
    {
        Assert.All(published.Workloads, workload =>
            Assert.DoesNotContain(Variables(workload, published.Objects).Keys, name => ExporterVariables.Contains(name)));
        Assert.DoesNotContain(published.Objects, o => o.Name == "otlp-headers");
    }

    [Theory]
    [InlineData("Otlp:Endpoint", "otel-collector:4317", "NexusTrade:Kubernetes:Otlp:Endpoint is 'otel-collector:4317'")]
    [InlineData("Otlp:Protocol", "http/json", "NexusTrade:Kubernetes:Otlp:Protocol or NexusTrade:Kubernetes:Otlp:HeadersSecret is set but")]
    public async Task A_wrong_setting_fails_the_publish_naming_the_key(string key, string value, string message)
    {
        var log = await PublishedManifests.FailingPublishAsync(_directory, $"--NexusTrade:Kubernetes:{key}={value}");
        Assert.Contains(message, log);
    }

    [Fact]
    public async Task An_unknown_protocol_fails_the_publish_naming_the_key()
    {
        var log = await PublishedManifests.FailingPublishAsync(_directory, "--NexusTrade:Kubernetes:Otlp:Endpoint=http://collector:4317",
            "--NexusTrade:Kubernetes:Otlp:Protocol=http/json");
        Assert.Contains("NexusTrade:Kubernetes:Otlp:Protocol is 'http/json': give grpc or http/protobuf", log);
    }

    /// <summary>The container's variables: its env and the ConfigMaps it takes whole (envFrom).</summary>
    private static Dictionary<string, V1EnvVar> Variables(Workload workload, IEnumerable<PublishedObject> objects)
    {
        var container = workload.Pod.Containers.Single();
        var variables = (container.Env ?? []).ToDictionary(v => v.Name);
        foreach (var source in container.EnvFrom ?? [])
        {
            var configMap = objects.Select(o => o.Object).OfType<V1ConfigMap>()
                .Single(c => c.Metadata.Name == source.ConfigMapRef.Name && c.Metadata.NamespaceProperty == workload.Namespace);
            foreach (var (name, value) in configMap.Data) variables[name] = new V1EnvVar { Name = name, Value = value };
        }
        return variables;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
