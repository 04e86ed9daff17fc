using k8s.Models;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>The configuration keys of the publisher, each with a publish of its own.</summary>
public sealed class PublishOptionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-options-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Include_simulators_deploys_them_hardened_and_points_the_providers_at_them()
    {
        await PublishedManifests.PublishAsync(_directory,
            "--NexusTrade:Kubernetes:IncludeSimulators=true", "--NexusTrade:Kubernetes:ApiImage=registry.example/nexustrade/api:2.3.4",
            "--NexusTrade:Kubernetes:TrustedProxyNetworks=10.42.0.0/16, 192.168.10.0/24");
        var (_, objects) = PublishedManifests.Load(_directory);
        var workloads = objects.Select(o => Workload.From(o.Object)).OfType<Workload>().ToList();

        foreach (var simulator in new[] { "marketfeed-primary", "marketfeed-secondary", "alert-inbox" })
        {
            var workload = Assert.Single(workloads, w => w.Name == simulator);
            Assert.Equal("nexustrade", workload.Namespace);
            Assert.Contains(objects, o => o.Object is V1Service && o.Name == simulator && o.Namespace == "nexustrade");
            Assert.Contains(objects, o => o.Object is V1NetworkPolicy && o.Name == simulator);
            ManagementPortTests.AssertMetricsOnlyForPrometheus(objects, simulator);
        }
        WorkloadHardening.AssertHardened(workloads);

        var settings = objects.Select(o => o.Object).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "api-config").Data;
        Assert.Equal("http://marketfeed-primary.nexustrade.svc:8080", settings["MarketData__Providers__0__BaseUrl"]);
        Assert.Equal("http://marketfeed-secondary.nexustrade.svc:8080", settings["MarketData__Providers__1__BaseUrl"]);
        Assert.Equal("registry.example/nexustrade/api:2.3.4", workloads.Single(w => w.Name == "api").Pod.Containers.Single().Image);
        Assert.Equal("10.42.0.0/16", settings["ClientIdentity__TrustedNetworks__0"]);
        Assert.Equal("192.168.10.0/24", settings["ClientIdentity__TrustedNetworks__1"]);
    }

    [Fact]
    public async Task Image_overrides_reach_the_manifests_of_the_model_and_of_kube_state_metrics()
    {
        await PublishedManifests.PublishAsync(_directory,
            "--NexusTrade:Images:prometheus=mirror.example:5000/prometheus/prometheus:v2.55.1",
            "--NexusTrade:Images:kube-state-metrics=mirror.example:5000/kube-state-metrics:v2.13.0");
        var (_, objects) = PublishedManifests.Load(_directory);
        var workloads = objects.Select(o => Workload.From(o.Object)).OfType<Workload>().ToList();

        Assert.Equal("mirror.example:5000/prometheus/prometheus:v2.55.1", workloads.Single(w => w.Name == "prometheus").Pod.Containers.Single().Image);
        Assert.Equal("mirror.example:5000/kube-state-metrics:v2.13.0", workloads.Single(w => w.Name == "kube-state-metrics").Pod.Containers.Single().Image);
        Assert.Equal(NexusTrade.AppHost.Components.AlertmanagerComponent.Component.Image.Reference, workloads.Single(w => w.Name == "alertmanager").Pod.Containers.Single().Image);
    }

    [Fact]
    public async Task Republishing_replaces_earlier_output_but_leaves_other_files_alone()
    {
        await PublishedManifests.PublishAsync(_directory, "--NexusTrade:Kubernetes:IncludeSimulators=true");
        var foreign = Path.Combine(_directory, "nexustrade", "my-overlay.yaml");
        await File.WriteAllTextAsync(foreign, "# not generated\n");

        await PublishedManifests.PublishAsync(_directory);
        Assert.False(File.Exists(Path.Combine(_directory, "nexustrade", "marketfeed-primary.yaml")));
        Assert.True(File.Exists(foreign));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
