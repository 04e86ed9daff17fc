using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The .NET projects in the cluster serve /metrics on a management port (9464, ServiceDefaults' Metrics:Port) that only
/// Prometheus may reach; their public port, probes and clients stay as they were, and Prometheus scrapes the new port.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ManagementPortTests(PublishedManifests published)
{
    private const int MetricsPort = 9464;

    [Fact]
    public void The_api_serves_metrics_on_its_management_port_which_only_prometheus_may_reach()
    {
        AssertMetricsOnlyForPrometheus(published.Objects, "api");

        var settings = published.Get<V1ConfigMap>("nexustrade", "api-config").Data;
        Assert.Equal("8080;9464", settings["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal("9464", settings["Metrics__Port"]);
        var annotations = published.Get<V1Service>("nexustrade", "api").Metadata.Annotations;
        Assert.Equal("9464", annotations["prometheus.io/port"]);
    }

    [Fact]
    public void Prometheus_scrapes_the_api_on_the_management_port()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]));
        var api = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["scrape_configs"]).Cast<YamlMappingNode>()
            .Single(job => job["job_name"].ToString() == "api");
        var keep = ((YamlSequenceNode)api["relabel_configs"]).Cast<YamlMappingNode>().Single(r => r.Children.ContainsKey("action") && r["action"].ToString() == "keep");

        Assert.Equal("api;metrics", keep["regex"].ToString());
    }

    /// <summary>
    /// <paramref name="name"/>'s container listens on the management port, its Service forwards it, a policy of its own
    /// admits only Prometheus there, its client policy leaves it out, and its probes stay on the public port.
    /// </summary>
    internal static void AssertMetricsOnlyForPrometheus(IEnumerable<PublishedObject> objects, string name)
    {
        var all = objects.ToList();
        var workload = all.Select(o => Workload.From(o.Object)).OfType<Workload>().Single(w => w.Name == name);
        var container = workload.Pod.Containers.Single();
        Assert.Contains(container.Ports, p => p.Name == "metrics" && p.ContainerPort == MetricsPort);
        Assert.Equal("http", container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("http", container.LivenessProbe.HttpGet.Port.Value);

        var service = all.Select(o => o.Object).OfType<V1Service>().Single(s => s.Metadata.Name == name);
        Assert.Contains(service.Spec.Ports, p => p.Name == "metrics" && p.Port == MetricsPort && p.TargetPort.Value == "metrics");

        var policies = all.Select(o => o.Object).OfType<V1NetworkPolicy>().Where(p => p.Metadata.NamespaceProperty == workload.Namespace).ToList();
        var metrics = policies.Single(p => p.Metadata.Name == $"{name}-metrics");
        var rule = Assert.Single(metrics.Spec.Ingress);
        Assert.Equal([MetricsPort], rule.Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
        var peer = Assert.Single(rule.FromProperty);
        Assert.Equal("prometheus", peer.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal("monitoring", peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);

        var clients = policies.Single(p => p.Metadata.Name == name);
        Assert.DoesNotContain(clients.Spec.Ingress.SelectMany(r => r.Ports), p => p.Port.Value == MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
