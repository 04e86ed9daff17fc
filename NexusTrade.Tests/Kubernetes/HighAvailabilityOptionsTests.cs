using k8s.Models;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>The settings of the HA topology, each with a publish of its own: external URLs and remote_write.</summary>
public sealed class HighAvailabilityOptionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-ha-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task External_urls_and_remote_write_reach_the_flags_the_config_and_a_placeholder_secret()
    {
        await PublishedManifests.PublishAsync(_directory,
            "--NexusTrade:Kubernetes:PrometheusExternalUrl=https://prometheus.nexustrade.example/",
            "--NexusTrade:Kubernetes:AlertmanagerExternalUrl=https://alerts.nexustrade.example/am/",
            "--NexusTrade:Kubernetes:RemoteWrite:Url=https://mimir.nexustrade.example/api/v1/push",
            "--NexusTrade:Kubernetes:RemoteWrite:BasicAuthUsername=nexustrade",
            "--NexusTrade:Kubernetes:RemoteWrite:BasicAuthSecret=prometheus-remote-write");
        var (_, objects) = PublishedManifests.Load(_directory);
        var workloads = objects.Select(o => Workload.From(o.Object)).OfType<Workload>().ToList();

        Assert.Contains("--web.external-url=https://prometheus.nexustrade.example/", Args(workloads, "prometheus"));
        Assert.Contains("--web.external-url=https://alerts.nexustrade.example/am/", Args(workloads, "alertmanager"));

        var configMap = objects.Select(o => o.Object).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "prometheus-config");
        var remote = (YamlMappingNode)Assert.Single((YamlSequenceNode)HighAvailabilityManifestTests.PrometheusConfig(configMap)["remote_write"]);
        Assert.Equal("https://mimir.nexustrade.example/api/v1/push", remote["url"].ToString());
        Assert.Equal("nexustrade", remote["basic_auth"]["username"].ToString());
        Assert.Equal("/etc/prometheus/remote-write/password", remote["basic_auth"]["password_file"].ToString());

        var prometheus = workloads.Single(w => w.Name == "prometheus");
        Assert.Equal("prometheus-remote-write", prometheus.Pod.Volumes.Single(v => v.Name == "remote-write").Secret.SecretName);
        var placeholder = objects.Single(o => o.Object is V1Secret && o.Name == "prometheus-remote-write");
        Assert.StartsWith("secrets/", placeholder.File);
        Assert.Equal(["password"], ((V1Secret)placeholder.Object).StringData.Keys);

        var (exitCode, rendered) = await ToolRunner.RunAsync("kubectl", ["kustomize", _directory], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, rendered);
    }

    [Theory]
    [InlineData("PrometheusExternalUrl", "prometheus.example")]
    [InlineData("AlertmanagerExternalUrl", "ftp://alerts.example/")]
    [InlineData("RemoteWrite:Url", "/api/v1/push")]
    public async Task An_invalid_url_fails_the_publish_naming_the_key(string key, string value)
    {
        var log = await PublishedManifests.FailingPublishAsync(_directory, $"--NexusTrade:Kubernetes:{key}={value}");
        Assert.Contains($"NexusTrade:Kubernetes:{key} is '{value}'", log);
    }

    private static IList<string> Args(IEnumerable<Workload> workloads, string name) => workloads.Single(w => w.Name == name).Pod.Containers.Single().Args;

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
