using k8s.Models;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.AppHost;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// One scrape model, two outputs: the local prometheus.yml (file service discovery) and the cluster's (Kubernetes
/// discovery) are both written from the app model's WithScrapeTarget and WithProbe declarations, so their jobs, the
/// replica label dropped from alerts and the blackbox relabelling cannot drift apart; a job added in AppHost.cs needs
/// no hand-written block anywhere.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ScrapeModelTests(PublishedManifests published)
{
    /// <summary>Jobs only a cluster has: the kubelets, cAdvisor and kube-state-metrics (the publisher's own components).</summary>
    private static readonly string[] ClusterOnlyJobs = ["cadvisor", "kube-state-metrics", "kubelet"];

    /// <summary>Deployed to a cluster only with NexusTrade:Kubernetes:IncludeSimulators=true.</summary>
    private static readonly string[] Simulators = ["alert-inbox", "marketfeed-primary", "marketfeed-secondary"];

    [Fact]
    public async Task The_local_and_the_cluster_config_have_the_same_jobs_but_for_what_only_one_side_runs()
    {
        var local = Root(await LocalScrapeConfig.RenderAsync());
        var cluster = Root(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]);

        var localJobs = Jobs(local).Select(Name).ToList();
        Assert.Equal([.. localJobs.Except(Simulators).Concat(ClusterOnlyJobs).Order(StringComparer.Ordinal)], Jobs(cluster).Select(Name).Order(StringComparer.Ordinal));
        Assert.Superset(Simulators.ToHashSet(), localJobs.ToHashSet());
    }

    [Fact]
    public async Task Alerts_drop_the_replica_label_and_probes_relabel_alike_in_both()
    {
        var local = Root(await LocalScrapeConfig.RenderAsync());
        var cluster = Root(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]);

        Assert.Equal(AlertRelabelling(local), AlertRelabelling(cluster));
        Assert.Equal("labeldrop replica", Assert.Single(AlertRelabelling(local)));
        var probes = Jobs(local).Single(job => Name(job) == "blackbox");
        Assert.Equal(4, Relabelling(probes).Count);
        Assert.Equal(Relabelling(probes), Relabelling(Jobs(cluster).Single(job => Name(job) == "blackbox")));
        Assert.Equal(probes["metrics_path"].ToString(), Jobs(cluster).Single(job => Name(job) == "blackbox")["metrics_path"].ToString());
    }

    [Fact]
    public async Task The_rendered_local_config_passes_promtool_with_the_rule_files()
    {
        var work = Directory.CreateTempSubdirectory("nexustrade-local-config-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(work, "rules"), RepoPaths.Combine("prometheus", "rules"));
            Directory.CreateDirectory(Path.Combine(work, LocalPrometheusConfig.TargetsDirectory));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(work, LocalScrapeConfig.PasswordFile))!);
            await File.WriteAllTextAsync(Path.Combine(work, LocalScrapeConfig.PasswordFile), "secret");
            var path = Path.Combine(work, "prometheus.yml");
            await File.WriteAllTextAsync(path, await LocalScrapeConfig.RenderAsync());

            var (exitCode, log) = await ToolRunner.RunAsync("promtool", ["check", "config", path], TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The TCP prober takes host:port only: the WebSocket probe's path is the request line of its module in
    /// prometheus/blackbox.yml. The path declared with WithProbe, the module's request and the API's route are one fact.
    /// </summary>
    [Fact]
    public async Task The_websocket_probe_requests_the_route_the_api_serves()
    {
        var probe = (await LocalScrapeConfig.PrometheusAsync()).Annotations.OfType<ProbeTargetAnnotation>()
            .Single(p => p.Module == BlackboxModule.WebSocketHandshake);
        var blackbox = Root(await File.ReadAllTextAsync(RepoPaths.Combine("prometheus", "blackbox.yml")));
        var send = ((YamlSequenceNode)blackbox["modules"][probe.Module.Name]["tcp"]["query_response"]).Cast<YamlMappingNode>()
            .First(step => step.Children.ContainsKey("send"))["send"].ToString();

        Assert.Equal(NexusTrade.Api.Streaming.QuoteStreamEndpoint.Path, probe.Path);
        Assert.StartsWith($"GET {probe.Path} HTTP/1.1\r\n", send);
    }

    [Fact]
    public void A_hand_written_scrape_section_in_the_repository_file_is_refused_naming_the_file()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            LocalPrometheusConfig.Render("global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: extra\n", new Aspire.Hosting.ApplicationModel.ContainerResource("prometheus"), "password"));
        Assert.Contains("prometheus/prometheus.yml has a 'scrape_configs' section", error.Message);
    }

    internal static YamlMappingNode Root(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> Jobs(YamlMappingNode config) => ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>();

    private static string Name(YamlMappingNode job) => job["job_name"].ToString();

    private static List<string> AlertRelabelling(YamlMappingNode config) =>
        ((YamlSequenceNode)((YamlMappingNode)config["alerting"])["alert_relabel_configs"]).Cast<YamlMappingNode>()
            .Select(r => $"{r["action"]} {r["regex"]}").ToList();

    private static List<string> Relabelling(YamlMappingNode job) =>
        ((YamlSequenceNode)job["relabel_configs"]).Cast<YamlMappingNode>()
            .Select(r => $"{string.Join(",", ((YamlSequenceNode)r["source_labels"]).Select(n => n.ToString()))} -> {r["target_label"]}")
            .ToList();
}
