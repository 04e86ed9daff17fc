using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using NexusTrade.Tests.Alerting;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The resource alerts and the published limits agree: the API's limits recorded in the rules (what host mode compares
/// with) are the container limits of the published manifests, and the host-mode alerts use the same ratios and windows
/// as the cAdvisor ones.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed partial class ResourceBudgetAlertTests(PublishedManifests published)
{
    /// <summary>Recording rule of a limit (<c>vector(N)</c> with a job label) and the container resource it mirrors.</summary>
    public static TheoryData<string, string> LimitRecords => new()
    {
        { "job:nexustrade_cpu_limit:cores", "cpu" },
        { "job:nexustrade_memory_limit:bytes", "memory" },
    };

    [Theory]
    [MemberData(nameof(LimitRecords))]
    public void Limits_recorded_for_host_mode_equal_the_published_container_limits(string record, string resource)
    {
        var rules = RuleFiles.LoadRules().Where(r => r.Record == record).ToList();
        Assert.True(rules.Any(r => r.Labels.GetValueOrDefault("job") == "api"), $"No recording rule {record}{{job=\"api\"}} in prometheus/rules");
        Assert.All(rules, rule =>
        {
            var job = rule.Labels["job"];
            var recorded = decimal.Parse(VectorLiteral().Match(rule.Expr) is { Success: true } m ? m.Groups[1].Value
                : throw new Xunit.Sdk.XunitException($"{rule}: expected vector(<number>), got {rule.Expr}"), CultureInfo.InvariantCulture);
            var container = ContainerScrapedBy(job);
            var limit = container.Resources.Limits[resource].ToDecimal();
            Assert.True(limit == recorded,
                $"{rule} records {recorded} for job {job}, but the published container {container.Name} has a {resource} limit of " +
                $"{container.Resources.Limits[resource]} ({limit}): change the rule or the ResourceBudget in NexusTrade.AppHost/Components.");
        });
    }

    /// <summary>Host-mode alert, its cAdvisor twin: the same (severity, threshold ratio, for) triples.</summary>
    [Theory]
    [InlineData("ApiHighCpuUsage", "KubeContainerCpuNearLimit")]
    [InlineData("ApiHighMemoryUsage", "KubeContainerMemoryNearLimit")]
    public void Host_mode_and_container_alerts_use_the_same_ratios_and_windows(string hostAlert, string containerAlert)
    {
        var alerts = RuleFiles.LoadAlertRules();
        Assert.Equal(Thresholds(alerts, hostAlert), Thresholds(alerts, containerAlert));
    }

    private static List<string> Thresholds(IEnumerable<PrometheusRule> alerts, string name)
    {
        var rules = alerts.Where(a => a.Alert == name).ToList();
        Assert.NotEmpty(rules);
        return rules.Select(r => $"{r.Labels["severity"]} > {TrailingThreshold().Match(r.Expr).Groups[1].Value} for {r.For}").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The container of the workload behind the Service that scrape job <paramref name="job"/> keeps.</summary>
    private V1Container ContainerScrapedBy(string job)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]));
        var scrape = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["scrape_configs"]).Cast<YamlMappingNode>()
            .Single(j => j["job_name"].ToString() == job);
        var keep = ((YamlSequenceNode)scrape["relabel_configs"]).Cast<YamlMappingNode>().First(r => r["action"].ToString() == "keep");
        var service = keep["regex"].ToString().Split(';')[0];
        return published.Workloads.Single(w => w.Name == service).Pod.Containers.Single(c => c.Name == service);
    }

    [GeneratedRegex(@"^\s*vector\(\s*([0-9.]+)\s*\)\s*$")]
    private static partial Regex VectorLiteral();

    [GeneratedRegex(@">\s*([0-9.]+)\s*$")]
    private static partial Regex TrailingThreshold();
}
