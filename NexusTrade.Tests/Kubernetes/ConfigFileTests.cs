using System.Text;
using k8s.Models;
using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The configuration inside the manifests: the repository's files byte for byte, a Prometheus config that promtool
/// accepts and that discovers the published Services, an Alertmanager config that amtool accepts, and a kustomization
/// that kubectl renders.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ConfigFileTests(PublishedManifests published, ITestOutputHelper output)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(1);

    public static TheoryData<string, string, string, string> RepositoryFiles => new()
    {
        // ConfigMap (or prefix of one per file), directory, pattern, key naming
        { "prometheus-rules", "prometheus/rules", "*.yml", "file" },
        { "alertmanager-templates", "prometheus/templates", "*.tmpl", "file" },
        { "grafana-provisioning-datasources", "grafana/provisioning/datasources", "*.yml", "file" },
        { "grafana-provisioning-dashboards", "grafana/provisioning/dashboards", "*.yml", "file" },
        { "grafana-dashboard-", "grafana/dashboards", "*.json", "per-file" },
        { "blackbox-exporter-config", "prometheus", "blackbox.yml", "file" },
    };

    [Theory]
    [MemberData(nameof(RepositoryFiles))]
    public void Config_maps_carry_the_repository_files_byte_for_byte(string configMap, string directory, string pattern, string layout)
    {
        var files = Directory.EnumerateFiles(RepoPaths.Combine(directory.Split('/')), pattern).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        var maps = published.All<V1ConfigMap>().Where(c => c.Metadata.NamespaceProperty == "monitoring");
        var data = layout == "file"
            ? maps.Single(c => c.Metadata.Name == configMap).Data
            : maps.Where(c => c.Metadata.Name.StartsWith(configMap, StringComparison.Ordinal)).SelectMany(c => c.Data).ToDictionary();
        Assert.Equal(files.Select(Path.GetFileName).Order(StringComparer.Ordinal), data.Keys.Order(StringComparer.Ordinal));
        // grafana-url.tmpl is the one file each runtime writes itself (Alertmanager_templates_link_to_the_published_grafana).
        Assert.All(files.Where(f => Path.GetFileName(f) != "grafana-url.tmpl"), file => Assert.True(File.ReadAllBytes(file).SequenceEqual(Encoding.UTF8.GetBytes(data[Path.GetFileName(file)])),
            $"{file} differs from its copy in the ConfigMap"));
    }

    [Fact]
    public void Prometheus_scrapes_the_contracts_jobs_every30_seconds()
    {
        var config = PrometheusConfig();
        var global = (YamlMappingNode)config["global"];
        Assert.Equal("30s", global["scrape_interval"].ToString());
        Assert.Equal("30s", global["evaluation_interval"].ToString());
        Assert.Equal(["/etc/prometheus/rules/*.yml"], ((YamlSequenceNode)config["rule_files"]).Select(n => n.ToString()));
        var jobs = ScrapeConfigs(config).Select(job => job["job_name"].ToString());
        Assert.Equal(["alertmanager", "api", "blackbox", "cadvisor", "kube-state-metrics", "kubelet", "node-exporter", "prometheus", "redis-exporter"], jobs.Order());
    }

    /// <summary>
    /// Each discovery job keeps the endpoints of one Service (app.kubernetes.io/name label, port name) in one namespace:
    /// such a Service must be published, or the job would discover nothing.
    /// </summary>
    [Fact]
    public void Every_discovery_job_finds_a_published_service_port()
    {
        var config = PrometheusConfig();
        var alerting = ((YamlSequenceNode)((YamlMappingNode)config["alerting"])["alertmanagers"]).Cast<YamlMappingNode>();
        var discoveryJobs = ScrapeConfigs(config).Concat(alerting).Where(job => Sd(job)?.Single()["role"].ToString() == "endpointslice").ToList();
        Assert.Equal(7, discoveryJobs.Count); // 6 scrape jobs and the Alertmanager of the alerting section
        Assert.All(discoveryJobs, job =>
        {
            var ns = ((YamlSequenceNode)((YamlMappingNode)Sd(job)!.Single()["namespaces"])["names"]).Single().ToString();
            var keep = ((YamlSequenceNode)job["relabel_configs"]).Cast<YamlMappingNode>().First(r => r["action"].ToString() == "keep");
            Assert.Equal("__meta_kubernetes_service_label_app_kubernetes_io_name", ((YamlSequenceNode)keep["source_labels"])[0].ToString());
            var (service, port) = (keep["regex"].ToString().Split(';')[0], keep["regex"].ToString().Split(';')[1]);
            var match = published.All<V1Service>().SingleOrDefault(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Labels["app.kubernetes.io/name"] == service);
            Assert.True(match is not null, $"No Service labelled {service} in {ns}");
            Assert.Contains(port, match.Spec.Ports.Select(p => p.Name));
        });
        var kubelets = ScrapeConfigs(config).Where(job => job["job_name"].ToString() is "kubelet" or "cadvisor");
        Assert.All(kubelets, job => Assert.Equal("node", Sd(job)!.Single()["role"].ToString()));
    }

    /// <summary>
    /// promtool check config on the ConfigMap's prometheus.yml with its rule files. Only the in-cluster paths (rules,
    /// ServiceAccount token) point into a temporary directory. Debian's promtool is built without Kubernetes service
    /// discovery; with it, each kubernetes_sd_configs block (checked above against the Services) is replaced by a
    /// static target so that everything else is still validated.
    /// </summary>
    [Fact]
    public async Task Prometheus_config_passes_promtool_with_the_rule_files()
    {
        var work = Directory.CreateTempSubdirectory("nexustrade-promtool-").FullName;
        try
        {
            var rules = published.Get<V1ConfigMap>("monitoring", "prometheus-rules").Data;
            Directory.CreateDirectory(Path.Combine(work, "rules"));
            foreach (var (file, content) in rules) await File.WriteAllTextAsync(Path.Combine(work, "rules", file), content);
            Directory.CreateDirectory(Path.Combine(work, "serviceaccount"));
            await File.WriteAllTextAsync(Path.Combine(work, "serviceaccount", "token"), "test-token");

            var text = published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]
                .Replace("/etc/prometheus/rules", Path.Combine(work, "rules"), StringComparison.Ordinal)
                .Replace("/var/run/secrets/kubernetes.io/serviceaccount", Path.Combine(work, "serviceaccount"), StringComparison.Ordinal);
            var path = Path.Combine(work, "prometheus.yml");
            await File.WriteAllTextAsync(path, text);

            var (exitCode, log) = await ToolRunner.RunAsync("promtool", ["check", "config", path], ToolTimeout);
            if (exitCode != 0 && log.Contains("field kubernetes_sd_configs not found", StringComparison.Ordinal))
            {
                output.WriteLine("This promtool has no Kubernetes service discovery (Debian build): checking with static targets in its place.");
                await File.WriteAllTextAsync(path, WithStaticTargets(text));
                (exitCode, log) = await ToolRunner.RunAsync("promtool", ["check", "config", path], ToolTimeout);
            }
            output.WriteLine(log);
            Assert.True(exitCode == 0, log);
            Assert.Contains($"SUCCESS: {rules.Count} rule files found", log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Alertmanager_config_passes_amtool_with_the_templates()
    {
        var work = Directory.CreateTempSubdirectory("nexustrade-amtool-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(work, "templates"));
            foreach (var (file, content) in published.Get<V1ConfigMap>("monitoring", "alertmanager-templates").Data)
            {
                await File.WriteAllTextAsync(Path.Combine(work, "templates", file), content);
            }
            var config = published.Get<V1Secret>("monitoring", "alertmanager-config").StringData["alertmanager.yml"];
            var path = Path.Combine(work, "alertmanager.yml");
            await File.WriteAllTextAsync(path, config.Replace("/etc/alertmanager/", work + "/", StringComparison.Ordinal));

            var (exitCode, log) = await ToolRunner.RunAsync("amtool", ["check-config", path], ToolTimeout);
            output.WriteLine(log);
            Assert.True(exitCode == 0, log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void Alertmanager_reads_its_config_and_secrets_where_the_config_expects_them()
    {
        var container = published.Workloads.Single(w => w.Name == "alertmanager").Pod.Containers.Single();
        Assert.Contains("--config.file=/etc/alertmanager/config/alertmanager.yml", container.Args);
        var mounts = container.VolumeMounts.ToDictionary(m => m.MountPath, m => m.Name);
        Assert.Equal(["/alertmanager", "/etc/alertmanager/config", "/etc/alertmanager/login", "/etc/alertmanager/secrets", "/etc/alertmanager/templates"],
            mounts.Keys.Order());
        var volumes = published.Workloads.Single(w => w.Name == "alertmanager").Pod.Volumes.ToDictionary(v => v.Name);
        Assert.Equal("alertmanager-secrets", volumes[mounts["/etc/alertmanager/secrets"]].Secret.SecretName);
        Assert.Equal("alertmanager-config", volumes[mounts["/etc/alertmanager/config"]].Secret.SecretName);
        Assert.Equal(MonitoringLogin.Secret, volumes[mounts["/etc/alertmanager/login"]].Secret.SecretName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("secrets")]
    public async Task Kubectl_kustomize_renders_every_object(string subdirectory)
    {
        var directory = Path.Combine(published.Directory, subdirectory);
        var (exitCode, rendered) = await ToolRunner.RunAsync("kubectl", ["kustomize", directory], ToolTimeout);
        Assert.True(exitCode == 0, rendered);
        var expected = published.Objects.Count(o => o.File.StartsWith("secrets/", StringComparison.Ordinal) == (subdirectory == "secrets"));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(rendered));
        Assert.Equal(expected, yaml.Documents.Count);
    }

    private YamlMappingNode PrometheusConfig()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> ScrapeConfigs(YamlMappingNode config) => ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>();

    private static IEnumerable<YamlMappingNode>? Sd(YamlMappingNode job) =>
        job.Children.TryGetValue("kubernetes_sd_configs", out var sd) ? ((YamlSequenceNode)sd).Cast<YamlMappingNode>() : null;

    /// <summary>The config with every kubernetes_sd_configs replaced by one static target (for a promtool without it).</summary>
    private static string WithStaticTargets(string config)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(config));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var alerting = ((YamlSequenceNode)((YamlMappingNode)root["alerting"])["alertmanagers"]).Cast<YamlMappingNode>();
        foreach (var job in ScrapeConfigs(root).Concat(alerting))
        {
            if (!job.Children.Remove(new YamlScalarNode("kubernetes_sd_configs"))) continue;
            job.Children[new YamlScalarNode("static_configs")] = new YamlSequenceNode(
                new YamlMappingNode(new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode("discovered-by-kubernetes.invalid:80"))));
        }
        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
