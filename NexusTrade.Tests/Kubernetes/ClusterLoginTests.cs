using k8s.Models;
using NexusTrade.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The monitoring login in the published manifests: Prometheus and Alertmanager serve with a web configuration from
/// the Secret monitoring-auth; their probes, Prometheus's scrapes of itself and of the Alertmanagers, its alerting and
/// Grafana's datasources log in with the password of the same Secret, read from a file or a secretKeyRef; no pod spec,
/// argument or ConfigMap holds a credential or a hash.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ClusterLoginTests(PublishedManifests published)
{
    private static readonly string[] Servers = ["prometheus", "alertmanager"];

    [Fact]
    public void Prometheus_and_alertmanager_serve_with_the_web_configuration_of_the_secret()
    {
        foreach (var name in Servers)
        {
            var (container, files) = Mounted(name);
            var webConfig = Assert.Single(container.Args, a => a.StartsWith("--web.config.file=", StringComparison.Ordinal))["--web.config.file=".Length..];
            Assert.Equal((MonitoringLogin.Secret, MonitoringLogin.WebConfigKey), files(webConfig));
        }
    }

    /// <summary>The probes run the component's own tool with a client configuration whose password file is the Secret's password.</summary>
    [Fact]
    public void The_probes_log_in_from_files_and_carry_no_credential()
    {
        foreach (var name in Servers)
        {
            var (container, files) = Mounted(name);
            foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }.OfType<V1Probe>())
            {
                Assert.Null(probe.HttpGet);
                var command = probe.Exec.Command;
                var clientConfig = Assert.Single(command, a => a.StartsWith("--http.config.file=", StringComparison.Ordinal))["--http.config.file=".Length..];
                var (source, key) = files(clientConfig);
                var content = ConfigContent(source, key);
                var passwordFile = Yaml(content)["basic_auth"]["password_file"].ToString();
                Assert.Equal(MonitoringLogin.UserName, Yaml(content)["basic_auth"]["username"].ToString());
                Assert.Equal((MonitoringLogin.Secret, MonitoringLogin.PasswordKey), files(passwordFile));
            }
            Assert.NotNull(container.ReadinessProbe?.Exec);
            Assert.NotNull(container.LivenessProbe?.Exec);
        }
    }

    [Fact]
    public void Prometheus_logs_in_to_itself_and_to_the_alertmanagers_and_no_other_target()
    {
        var (_, files) = Mounted("prometheus");
        var config = Yaml(ConfigContent("prometheus-config", "prometheus.yml"));
        var jobs = ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>().ToList();
        var withLogin = jobs.Where(j => j.Children.ContainsKey("basic_auth")).Select(j => j["job_name"].ToString()).Order();
        Assert.Equal(["alertmanager", "prometheus"], withLogin);
        var alerting = ((YamlSequenceNode)((YamlMappingNode)config["alerting"])["alertmanagers"]).Cast<YamlMappingNode>().Single();
        foreach (var section in jobs.Where(j => j.Children.ContainsKey("basic_auth")).Append(alerting))
        {
            Assert.Equal(MonitoringLogin.UserName, section["basic_auth"]["username"].ToString());
            Assert.Equal((MonitoringLogin.Secret, MonitoringLogin.PasswordKey), files(section["basic_auth"]["password_file"].ToString()));
        }
    }

    [Fact]
    public void Grafanas_datasources_log_in_with_the_password_of_the_secret()
    {
        var datasources = published.All<V1ConfigMap>().Single(c => c.Metadata.Name == "grafana-provisioning-datasources").Data.Values.Single();
        foreach (var datasource in ((YamlSequenceNode)Yaml(datasources)["datasources"]).Cast<YamlMappingNode>())
        {
            Assert.Equal("true", datasource["basicAuth"].ToString());
            Assert.Equal("${MONITORING_USER}", datasource["basicAuthUser"].ToString());
            Assert.Equal("${MONITORING_PASSWORD}", datasource["secureJsonData"]["basicAuthPassword"].ToString());
        }
        var grafana = published.Workloads.Single(w => w.Name == "grafana").Pod.Containers.Single();
        Assert.Equal(MonitoringLogin.UserName, grafana.Env.Single(v => v.Name == "MONITORING_USER").Value);
        var password = grafana.Env.Single(v => v.Name == "MONITORING_PASSWORD").ValueFrom.SecretKeyRef;
        Assert.Equal((MonitoringLogin.Secret, MonitoringLogin.PasswordKey), (password.Name, password.Key));
    }

    /// <summary>No hash and no inline password outside Secrets: the ConfigMaps name password files only.</summary>
    [Fact]
    public void No_config_map_or_argument_holds_a_password_or_a_hash()
    {
        foreach (var configMap in published.All<V1ConfigMap>())
        {
            foreach (var (key, value) in configMap.Data)
            {
                Assert.DoesNotMatch(@"\$2[aby]\$\d\d\$", value);
                Assert.DoesNotMatch(@"(?m)^\s*(basic_auth_users|password):", value);
            }
        }
        Assert.All(published.Workloads.SelectMany(w => w.Containers), container =>
            Assert.DoesNotContain(container.Args ?? [], a => a.Contains("password=", StringComparison.OrdinalIgnoreCase) || a.Contains("$2", StringComparison.Ordinal)));
        Assert.All(published.Workloads.SelectMany(w => w.Containers).SelectMany(c => new[] { c.StartupProbe, c.ReadinessProbe, c.LivenessProbe }).OfType<V1Probe>(),
            probe => Assert.Empty(probe.HttpGet?.HttpHeaders ?? []));
    }

    /// <summary>
    /// The container of <paramref name="name"/> and a resolver from a path inside it to the (ConfigMap or Secret, key)
    /// mounted there.
    /// </summary>
    private (V1Container Container, Func<string, (string Source, string Key)> Files) Mounted(string name)
    {
        var workload = published.Workloads.Single(w => w.Name == name);
        var container = workload.Pod.Containers.Single();
        var volumes = workload.Pod.Volumes.ToDictionary(v => v.Name);
        return (container, path =>
        {
            var mount = container.VolumeMounts.Single(m => path.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
            var volume = volumes[mount.Name];
            var source = volume.Secret?.SecretName ?? volume.ConfigMap?.Name ?? throw new InvalidOperationException($"{path} is on volume {mount.Name}, neither a Secret nor a ConfigMap");
            return (source, path[(mount.MountPath.TrimEnd('/').Length + 1)..]);
        });
    }

    /// <summary>A key of a published ConfigMap or Secret (a Secret of the publisher's own, such as alertmanager-config).</summary>
    private string ConfigContent(string source, string key) =>
        published.All<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == source)?.Data[key]
        ?? published.All<V1Secret>().Single(s => s.Metadata.Name == source).StringData[key];

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
