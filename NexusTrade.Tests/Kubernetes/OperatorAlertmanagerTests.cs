using k8s.Models;
using NexusTrade.Kubernetes;
using NexusTrade.Tests.Alerting;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The Alertmanager configuration for the operator's Alertmanager (Secret alertmanager-nexustrade, named in the chart's
/// alertmanagerSpec.configSecret): as the operator mounts it (config and templates in /etc/alertmanager/config/, the
/// receivers' Secret in /etc/alertmanager/secrets/alertmanager-secrets/), amtool accepts it and routes every case of
/// prometheus/tests/alertmanager-routes.tsv as the bundled Alertmanager does. And why it is not an AlertmanagerConfig.
/// </summary>
[Collection(OperatorManifestsCollection.Name)]
public sealed class OperatorAlertmanagerTests(OperatorManifests published) : IDisposable
{
    /// <summary>Stands for the chart's default receiver (named "null" there, which YAML would read as no name).</summary>
    private const string ChartDefault = "chart-default-null";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(1);

    private readonly string _work = Directory.CreateTempSubdirectory("nexustrade-operator-am-").FullName;

    [Fact]
    public async Task The_config_as_the_operator_mounts_it_passes_amtool()
    {
        var (exitCode, log) = await ToolRunner.RunAsync("amtool", ["check-config", await WriteConfigAsync()], ToolTimeout);
        Assert.True(exitCode == 0, log);
        Assert.Contains("Found:", log);
    }

    [Theory]
    [MemberData(nameof(AlertmanagerConfigTests.RouteCases), MemberType = typeof(AlertmanagerConfigTests))]
    public async Task The_route_tree_routes_every_case_as_the_bundled_alertmanager(string name, string receivers, string labels)
    {
        var (exitCode, log) = await ToolRunner.RunAsync("amtool",
            ["config", "routes", "test", $"--config.file={await WriteConfigAsync()}", $"--verify.receivers={receivers}", .. labels.Split(' ', StringSplitOptions.RemoveEmptyEntries)], ToolTimeout);
        Assert.True(exitCode == 0, $"{name}: {log}");
    }

    /// <summary>
    /// The tree the operator would make of an AlertmanagerConfig in namespace nexustrade: its route under the chart's
    /// root with a namespace matcher. ApiDown (a job-wide alert: no namespace label) would miss it and reach the chart's
    /// default receiver ("null"): why the configuration is the Secret instead.
    /// </summary>
    [Fact]
    public async Task An_alertmanager_config_would_lose_job_wide_alerts_to_the_charts_default_receiver()
    {
        var config = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(await WriteConfigAsync()));
        var ours = (Dictionary<object, object>)config["route"];
        ours["matchers"] = new List<object> { "namespace=\"nexustrade\"" };
        ours["continue"] = true;
        config["route"] = new Dictionary<object, object> { ["receiver"] = ChartDefault, ["routes"] = new List<object> { ours } };
        ((List<object>)config["receivers"]).Add(new Dictionary<object, object> { ["name"] = ChartDefault });
        var nested = new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(config);
        var path = Path.Combine(_work, "as-alertmanagerconfig.yml");
        await File.WriteAllTextAsync(path, nested);

        var (exitCode, log) = await ToolRunner.RunAsync("amtool", ["config", "routes", "test", $"--config.file={path}", "alertname=ApiDown", "severity=critical", "team=trading-platform", "job=api"], ToolTimeout);
        Assert.True(exitCode == 0, log);
        Assert.Equal(ChartDefault, log.Split('\n')[0].Trim());
    }

    /// <summary>The published config Secret's files under a temporary root standing in for /etc/alertmanager/; returns the config's path.</summary>
    private async Task<string> WriteConfigAsync()
    {
        var secret = published.All<V1Secret>().Single(s => s.Metadata.Name == OperatorAlertmanager.ConfigSecret);
        Assert.Equal(OperatorManifests.OperatorNamespace, secret.Metadata.NamespaceProperty);
        var config = Path.Combine(_work, "config");
        Directory.CreateDirectory(config);
        Directory.CreateDirectory(Path.Combine(_work, "secrets", "alertmanager-secrets"));
        foreach (var key in AlertmanagerWorkload.ReceiverSecrets) await File.WriteAllTextAsync(Path.Combine(_work, "secrets", "alertmanager-secrets", key.Key), "test");
        foreach (var (file, content) in secret.StringData)
        {
            await File.WriteAllTextAsync(Path.Combine(config, file), content.Replace(AlertmanagerSettings.ProductionRoot, _work + "/", StringComparison.Ordinal));
        }
        return Path.Combine(config, OperatorAlertmanager.ConfigKey);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
