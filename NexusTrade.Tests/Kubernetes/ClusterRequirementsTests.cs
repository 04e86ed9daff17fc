using k8s.Models;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// What the manifests need of a cluster, each found missing on a live one and made a setting or a fix: the resource
/// metrics API behind the HPA (NexusTrade:Kubernetes:Autoscaling), a StorageClass for the claims (StorageClassName),
/// images a cluster can pull, and a scrape job for every metrics port that is published.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ClusterRequirementsTests(PublishedManifests published) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nexustrade-k8s-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void By_default_the_api_runs_a_fixed_count_and_no_autoscaler_or_storage_class()
    {
        Assert.Equal(2, published.Get<V1Deployment>("nexustrade", "api").Spec.Replicas);
        Assert.Empty(published.All<V2HorizontalPodAutoscaler>());
        Assert.All(Claims(published.Objects), claim => Assert.Null(claim.Claim.Spec.StorageClassName));
    }

    [Fact]
    public async Task The_settings_bring_the_autoscaler_the_storage_class_and_the_simulators_scrape_jobs()
    {
        await PublishedManifests.PublishAsync(_directory, "--NexusTrade:Kubernetes:Autoscaling=cpu",
            "--NexusTrade:Kubernetes:StorageClassName=fast-ssd", "--NexusTrade:Kubernetes:IncludeSimulators=true");
        var (_, objects) = PublishedManifests.Load(_directory);

        // The HPA owns the count: the Deployment names none (a re-apply would reset it, a server-side one conflict).
        var hpa = objects.Select(o => o.Object).OfType<V2HorizontalPodAutoscaler>().Single();
        Assert.Equal(("Deployment", "api"), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.Equal(2, hpa.Spec.MinReplicas);
        Assert.True(hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);
        var metric = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal(("cpu", "Utilization"), (metric.Resource.Name, metric.Resource.Target.Type));
        var api = objects.Select(o => o.Object).OfType<V1Deployment>().Single(d => d.Metadata.Name == "api");
        Assert.Null(api.Spec.Replicas);
        // Utilization is relative to the request: without one, the HPA cannot compute it.
        Assert.NotNull(api.Spec.Template.Spec.Containers.Single().Resources.Requests["cpu"]);

        var claims = Claims(objects).ToList();
        Assert.Equal(4, claims.Count); // prometheus, alertmanager, redis (templates) and grafana
        Assert.All(claims, claim => Assert.True(claim.Claim.Spec.StorageClassName == "fast-ssd", $"{claim.Owner}: storageClassName {claim.Claim.Spec.StorageClassName}"));

        Assert.Empty(MetricsPortsWithoutScrapeJob(objects));
        Assert.Contains("marketfeed-primary", ScrapeJobGuardTests.JobNames(PrometheusYaml(objects)));
    }

    [Fact]
    public void Every_published_metrics_port_has_a_scrape_job_that_keeps_it() => Assert.Empty(MetricsPortsWithoutScrapeJob(published.Objects));

    [Theory]
    [InlineData("Kubernetes:Autoscaling", "auto", "use off or cpu")]
    [InlineData("Kubernetes:Autoscaling", "1", "use off or cpu")]
    [InlineData("Kubernetes:StorageClassName", "Fast_SSD", "give the name of a StorageClass")]
    [InlineData("Kubernetes:IncludeSimulators", "yes", "use true or false")]
    [InlineData("Images:prometheus", "nexustrade-offline/prometheus:2.42.0", "without Kubernetes service discovery")]
    [InlineData("Images:alertmanager", "nexustrade-offline/alertmanager:0.25.0", "offline image for local container mode")]
    public async Task A_setting_the_cluster_cannot_serve_fails_the_publish_naming_the_key(string key, string value, string reason)
    {
        var log = await PublishedManifests.FailingPublishAsync(_directory, $"--NexusTrade:{key}={value}");

        Assert.Contains($"NexusTrade:{key} is '{value}'", log);
        Assert.Contains(reason, log);
    }

    /// <summary>
    /// Service ports named <c>metrics</c> (the .NET projects' management port) that no scrape job of the cluster's
    /// prometheus.yml keeps: served, admitted to Prometheus by a NetworkPolicy, and never scraped.
    /// </summary>
    internal static List<string> MetricsPortsWithoutScrapeJob(IReadOnlyList<PublishedObject> objects)
    {
        var keeps = ScrapeJobKeeps(PrometheusYaml(objects)).ToList();
        return [.. objects.Select(o => o.Object).OfType<V1Service>()
            .SelectMany(s => s.Spec.Ports.Where(p => p.Name == "metrics").Select(p => (Service: s.Metadata.Labels["app.kubernetes.io/name"], Namespace: s.Metadata.NamespaceProperty, Port: p.Name)))
            .Where(m => !keeps.Any(k => k.Namespace == m.Namespace && System.Text.RegularExpressions.Regex.IsMatch($"{m.Service};{m.Port}", $"^(?:{k.Regex})$")))
            .Select(m => $"{m.Namespace}/{m.Service}:{m.Port}")];
    }

    private static IEnumerable<(string Namespace, string Regex)> ScrapeJobKeeps(string prometheusYaml)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(prometheusYaml));
        foreach (var job in ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["scrape_configs"]).Cast<YamlMappingNode>())
        {
            if (!job.Children.ContainsKey("kubernetes_sd_configs") || !job.Children.ContainsKey("relabel_configs")) continue;
            var sd = (YamlMappingNode)((YamlSequenceNode)job["kubernetes_sd_configs"]).Single();
            if (!sd.Children.ContainsKey("namespaces")) continue; // the kubelets: node discovery
            var ns = ((YamlSequenceNode)((YamlMappingNode)sd["namespaces"])["names"]).Single().ToString();
            foreach (var keep in ((YamlSequenceNode)job["relabel_configs"]).Cast<YamlMappingNode>()
                         .Where(r => r.Children.ContainsKey("action") && r["action"].ToString() == "keep"))
            {
                yield return (ns, keep["regex"].ToString());
            }
        }
    }

    private static string PrometheusYaml(IEnumerable<PublishedObject> objects) =>
        objects.Select(o => o.Object).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "prometheus-config").Data["prometheus.yml"];

    private static IEnumerable<(string Owner, V1PersistentVolumeClaim Claim)> Claims(IEnumerable<PublishedObject> objects) =>
        objects.Select(o => Workload.From(o.Object)).OfType<Workload>().SelectMany(w => w.ClaimTemplates.Select(c => (w.ToString(), c)))
            .Concat(objects.Where(o => o.Object is V1PersistentVolumeClaim).Select(o => (o.ToString(), (V1PersistentVolumeClaim)o.Object)));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
