using System.Text;
using k8s.Models;
using NexusTrade.Kubernetes;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// Operator mode's output: the objects kube-prometheus-stack's operator picks up, each of them reaching something that
/// exists in the output, and none of the bundled monitoring workloads.
/// </summary>
[Collection(OperatorManifestsCollection.Name)]
public sealed class OperatorManifestTests(OperatorManifests published)
{
    private static readonly string[] BundledMonitoring = ["prometheus", "grafana", "alertmanager", "node-exporter", "kube-state-metrics"];

    [Fact]
    public void No_monitoring_stack_of_its_own_is_published()
    {
        var workloads = published.Objects.Select(o => Workload.From(o.Object)).OfType<Workload>().Select(w => w.Name).ToList();
        Assert.Equal(["api", "blackbox-exporter", "redis", "redis-exporter"], workloads.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(published.Objects, o => BundledMonitoring.Contains(o.Name) && o.Object is V1Service or V1ServiceAccount or V1ClusterRole);
        // The operator's namespace is the chart's: neither redefined nor closed by a default-deny policy.
        Assert.DoesNotContain(published.All<V1Namespace>(), ns => ns.Metadata.Name == OperatorManifests.OperatorNamespace);
        Assert.DoesNotContain(published.All<V1NetworkPolicy>(), p => p.Metadata.Name == "default-deny-ingress" && p.Metadata.NamespaceProperty == OperatorManifests.OperatorNamespace);
    }

    [Fact]
    public void The_operator_gets_a_monitor_per_scrape_job_a_probe_per_probe_and_a_rule_object_per_rule_file()
    {
        Assert.Equal(["ServiceMonitor monitoring/redis-exporter", "ServiceMonitor nexustrade/api"],
            published.All<ServiceMonitor>().Select(m => $"ServiceMonitor {m.Metadata.NamespaceProperty}/{m.Metadata.Name}").Order(StringComparer.Ordinal));
        Assert.Equal(["blackbox-health", "blackbox-quote", "blackbox-websocket"], published.All<Probe>().Select(p => p.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(published.All<Probe>(), p => Assert.Equal("blackbox", p.Spec.JobName));
        Assert.Equal(OperatorRules.Files(RepoPaths.Combine("prometheus")).Select(f => f.Name).Order(StringComparer.Ordinal), published.All<PrometheusRule>().Select(r => r.Metadata.Name).Order(StringComparer.Ordinal));
        // Same interval as the bundled prometheus.yml's global one.
        Assert.All(published.All<ServiceMonitor>().SelectMany(m => m.Spec.Endpoints), e => Assert.Equal(("30s", "10s"), (e.Interval, e.ScrapeTimeout)));
    }

    /// <summary>Every ServiceMonitor selects a published Service, in a namespace it names, that has the endpoint's port by name.</summary>
    [Fact]
    public void Every_service_monitor_selects_a_published_service_with_the_named_port()
    {
        var monitors = published.All<ServiceMonitor>().ToList();
        Assert.NotEmpty(monitors);
        var problems = new List<string>();
        foreach (var monitor in monitors)
        {
            var namespaces = monitor.Spec.NamespaceSelector?.MatchNames ?? [monitor.Metadata.NamespaceProperty];
            var services = published.All<V1Service>().Where(s => namespaces.Contains(s.Metadata.NamespaceProperty)
                && monitor.Spec.Selector.MatchLabels.All(l => Label(s.Metadata, l.Key) == l.Value)).ToList();
            if (services.Count == 0) problems.Add($"ServiceMonitor {monitor.Metadata.Name} selects no published Service");
            foreach (var endpoint in monitor.Spec.Endpoints)
            {
                if (!services.Any(s => s.Spec.Ports.Any(p => p.Name == endpoint.Port)))
                {
                    problems.Add($"ServiceMonitor {monitor.Metadata.Name}: no selected Service has a port named '{endpoint.Port}' (it has {string.Join(", ", services.SelectMany(s => s.Spec.Ports.Select(p => p.Name)))})");
                }
            }
            if (!services.Any(s => Label(s.Metadata, monitor.Spec.JobLabel ?? "") == monitor.Metadata.Name))
            {
                problems.Add($"ServiceMonitor {monitor.Metadata.Name}: its Service's {monitor.Spec.JobLabel} label is not the job name the rules use");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Every Probe's prober is a published Service's host and port (the blackbox exporter stays deployed).</summary>
    [Fact]
    public void Every_probe_reaches_a_published_prober()
    {
        Assert.All(published.All<Probe>(), probe =>
        {
            var (host, port) = (probe.Spec.Prober.Url.Split(':')[0], int.Parse(probe.Spec.Prober.Url.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            var service = published.All<V1Service>().SingleOrDefault(s => $"{s.Metadata.Name}.{s.Metadata.NamespaceProperty}.svc" == host);
            Assert.True(service is not null, $"Probe {probe.Metadata.Name}: no published Service is {host}");
            Assert.Contains(port, service.Spec.Ports.Select(p => p.Port));
            Assert.Equal("/probe", probe.Spec.Prober.Path);
        });
    }

    /// <summary>Every object the operator selects carries Operator:SelectorLabels (default release=kube-prometheus-stack).</summary>
    [Fact]
    public void Every_operator_object_carries_the_selector_labels()
    {
        var objects = published.OperatorObjects.ToList();
        Assert.Equal(11, objects.Count);
        Assert.All(objects, o => Assert.True(Label(o.Object.Metadata, "release") == "kube-prometheus-stack",
            $"{o} lacks the selector label release=kube-prometheus-stack: the chart's Prometheus would not pick it up"));
    }

    /// <summary>The metrics ports and the prober admit the operator's Prometheus (its namespace and pod labels), and nothing new.</summary>
    [Fact]
    public void Metrics_ports_and_the_prober_admit_the_operators_prometheus()
    {
        var prometheus = $"{OperatorManifests.OperatorNamespace} app.kubernetes.io/name=prometheus";
        foreach (var name in new[] { "api-metrics", "redis-exporter", "blackbox-exporter" })
        {
            var policy = published.All<V1NetworkPolicy>().Single(p => p.Metadata.Name == name);
            var peers = policy.Spec.Ingress.SelectMany(i => i.FromProperty).Select(Describe).ToList();
            Assert.True(peers.SequenceEqual([prometheus]), $"NetworkPolicy {name} admits {string.Join("; ", peers)}");
        }
        Assert.DoesNotContain(published.All<V1NetworkPolicy>().SelectMany(p => p.Spec.Ingress.SelectMany(i => i.FromProperty)).Select(Describe),
            peer => peer.Contains("app.kubernetes.io/name=grafana", StringComparison.Ordinal) || peer.Contains("instance=nexustrade", StringComparison.Ordinal) && peer.Contains("prometheus", StringComparison.Ordinal));
    }

    [Fact]
    public void Dashboards_are_the_repository_files_labelled_for_the_grafana_sidecar()
    {
        var maps = published.All<V1ConfigMap>().Where(c => Label(c.Metadata, "grafana_dashboard") == "1").ToList();
        var files = Directory.GetFiles(RepoPaths.Combine("grafana", "dashboards"), "*.json");
        Assert.Equal(files.Length, maps.Count);
        Assert.All(maps, map =>
        {
            Assert.Equal(OperatorManifests.OperatorNamespace, map.Metadata.NamespaceProperty);
            Assert.Equal("NexusTrade", map.Metadata.Annotations["grafana_folder"]);
            var entry = Assert.Single((IEnumerable<KeyValuePair<string, string>>)map.Data);
            var (file, content) = (entry.Key, entry.Value);
            Assert.True(File.ReadAllBytes(RepoPaths.Combine("grafana", "dashboards", file)).SequenceEqual(Encoding.UTF8.GetBytes(content)), $"{file} differs from its ConfigMap");
            // kube-prometheus-stack provisions its Prometheus datasource with uid "prometheus": the variable's default.
            Assert.Contains("\"query\": \"prometheus\"", content);
        });
    }

    [Fact]
    public void Placeholder_secrets_cover_what_the_operators_alertmanager_and_the_application_mount()
    {
        var secrets = published.Objects.Where(o => o.File.StartsWith("secrets/", StringComparison.Ordinal)).Select(o => (V1Secret)o.Object).ToList();
        Assert.Equal(["monitoring/alertmanager-secrets", "monitoring/redis-auth", "nexustrade/marketdata-credentials", "nexustrade/redis-auth"],
            secrets.Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}").Order(StringComparer.Ordinal));
        Assert.All(secrets.SelectMany(s => s.StringData.Values), value => Assert.Equal(NexusTrade.Kubernetes.SecretCatalog.Placeholder, value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("secrets")]
    public async Task Kubectl_kustomize_renders_every_object(string subdirectory)
    {
        var (exitCode, rendered) = await ToolRunner.RunAsync("kubectl", ["kustomize", Path.Combine(published.Directory, subdirectory)], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, rendered);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(rendered));
        Assert.Equal(published.Objects.Count(o => o.File.StartsWith("secrets/", StringComparison.Ordinal) == (subdirectory == "secrets")), yaml.Documents.Count);
    }

    private static string Describe(V1NetworkPolicyPeer peer) =>
        $"{(peer.NamespaceSelector?.MatchLabels is { } ns && ns.TryGetValue("kubernetes.io/metadata.name", out var name) ? name : "*")} " +
        string.Join(",", (peer.PodSelector?.MatchLabels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}"));

    private static string? Label(V1ObjectMeta meta, string key) => meta.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
