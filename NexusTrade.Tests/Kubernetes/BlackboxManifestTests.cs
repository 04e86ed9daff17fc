using k8s.Models;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The outside view in the published manifests: the blackbox exporter in namespace monitoring, reachable by Prometheus
/// alone; Prometheus's probe job aims it at the API's in-cluster Service with the same relabelling as the local
/// prometheus.yml; the notifications' dashboard links point at the published Grafana.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class BlackboxManifestTests(PublishedManifests published)
{
    [Fact]
    public void The_exporter_runs_in_monitoring_with_the_repository_modules()
    {
        var deployment = published.Get<V1Deployment>("monitoring", "blackbox-exporter");
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.StartsWith("docker.io/prom/blackbox-exporter:", container.Image, StringComparison.Ordinal);
        Assert.Contains("--config.file=/etc/blackbox_exporter/blackbox.yml", container.Args);
        Assert.Equal("/etc/blackbox_exporter", container.VolumeMounts.Single().MountPath);
        Assert.Equal("/-/healthy", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(65534, deployment.Spec.Template.Spec.SecurityContext.RunAsUser);
        Assert.Equal(9115, published.Get<V1Service>("monitoring", "blackbox-exporter").Spec.Ports.Single().Port);
    }

    /// <summary>/probe makes the exporter connect anywhere: only Prometheus may call it.</summary>
    [Fact]
    public void Only_prometheus_may_call_the_exporter()
    {
        var policy = published.Get<V1NetworkPolicy>("monitoring", "blackbox-exporter");
        var peer = policy.Spec.Ingress.Single().FromProperty.Single();
        Assert.Equal("prometheus", peer.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal("monitoring", peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal(9115, int.Parse(policy.Spec.Ingress.Single().Ports.Single().Port.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Prometheus_probes_the_api_service_through_the_exporter()
    {
        var job = Job(PublishedConfig(), "blackbox");
        Assert.Equal("/probe", job["metrics_path"].ToString());
        var targets = ((YamlSequenceNode)job["static_configs"]).Cast<YamlMappingNode>()
            .ToDictionary(c => ((YamlMappingNode)c["labels"])["probe"].ToString(), c => c);
        Assert.Equal(["health", "quote", "websocket"], targets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("http://api.nexustrade.svc:8080/api/quotes/AAPL", Target(targets["quote"]));
        Assert.Equal("http://api.nexustrade.svc:8080/health", Target(targets["health"]));
        Assert.Equal("api.nexustrade.svc:8080", Target(targets["websocket"]));
        Assert.Equal("websocket_handshake", ((YamlMappingNode)targets["websocket"]["labels"])["module"].ToString());
        Assert.All(targets.Values, c => Assert.Equal("blackbox-exporter.monitoring.svc:9115", ((YamlMappingNode)c["labels"])["__blackbox_address"].ToString()));
    }

    [Fact]
    public void Dashboard_links_point_at_the_published_grafana()
    {
        var template = published.Get<V1ConfigMap>("monitoring", "alertmanager-templates").Data["grafana-url.tmpl"];
        Assert.Contains("{{ define \"nexustrade.grafana_url\" }}http://grafana.monitoring.svc:3000{{ end }}", template, StringComparison.Ordinal);
    }

    private static string Target(YamlMappingNode config) => ((YamlSequenceNode)config["targets"]).Single().ToString();

    private static YamlMappingNode Job(YamlMappingNode config, string name) =>
        ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>().Single(j => j["job_name"].ToString() == name);

    private YamlMappingNode PublishedConfig()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
