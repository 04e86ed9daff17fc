using System.Text;
using k8s.Models;
using NexusTrade.Tests.Alerting;
using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// Every scrape job of both Prometheus configs (the local one the AppHost renders and the published cluster config) has an
/// absent-style guard: for each job, a promtool case generated here removes that job's targets and expects its guard
/// (ApiDown for the API, ScrapeJobMissing for every other job) to fire, and nothing to fire while all are present.
/// A job added to either config is covered without writing a rule, and a guard that misses it fails here.
/// </summary>
[Collection(PublishedManifestsCollection.Name)]
public sealed class ScrapeJobGuardTests(PublishedManifests published, ITestOutputHelper output)
{
    private static readonly IReadOnlyDictionary<string, string> OwnGuards = new Dictionary<string, string> { ["api"] = "ApiDown" };

    public static TheoryData<string> Configs => new() { "local", "kubernetes" };

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Every_scrape_job_has_a_guard_that_fires_when_its_targets_vanish(string config)
    {
        var jobs = JobNames(config == "local"
            ? await NexusTrade.Tests.AppHost.LocalScrapeConfig.RenderAsync()
            : published.Get<V1ConfigMap>("monitoring", "prometheus-config").Data["prometheus.yml"]);
        Assert.Contains("prometheus", jobs);

        var work = Directory.CreateTempSubdirectory("nexustrade-guards-").FullName;
        try
        {
            var path = Path.Combine(work, "guards.test.yml");
            await File.WriteAllTextAsync(path, PromtoolTests(jobs));
            var (exitCode, log) = await ToolRunner.RunAsync("promtool", ["test", "rules", path], TimeSpan.FromMinutes(2));
            output.WriteLine($"{config}: {string.Join(", ", jobs)}");
            Assert.True(exitCode == 0, $"A scrape job of the {config} config has no working guard:\n{log}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static List<string> JobNames(string prometheusYaml)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(prometheusYaml));
        return ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["scrape_configs"]).Cast<YamlMappingNode>()
            .Select(job => job["job_name"].ToString()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>One case with every job present (quiet), then one per job with that job's targets gone.</summary>
    private static string PromtoolTests(IReadOnlyList<string> jobs)
    {
        var text = new StringBuilder();
        text.AppendLine("rule_files:");
        foreach (var file in new[] { "meta.rules.yml", "nexustrade-api.rules.yml" }) text.AppendLine($"  - {Path.Combine(RuleFiles.RulesDirectory, file)}");
        text.AppendLine("evaluation_interval: 1m");
        text.AppendLine("tests:");
        AppendCase(text, jobs, missing: null);
        foreach (var job in jobs) AppendCase(text, jobs, job);
        return text.ToString();
    }

    private static void AppendCase(StringBuilder text, IReadOnlyList<string> jobs, string? missing)
    {
        text.AppendLine($"  - name: '{(missing is null ? "every job present" : $"job {missing} without targets")}'");
        text.AppendLine("    interval: 1m");
        text.AppendLine("    input_series:");
        foreach (var job in jobs)
        {
            // Prometheus's own list of its scrape configs, read from its self-scrape (gone with it when job prometheus is missing).
            if (missing != "prometheus")
            {
                text.AppendLine($"      - series: 'prometheus_sd_discovered_targets{{job=\"prometheus\", instance=\"prometheus:9090\", name=\"scrape\", config=\"{job}\"}}'");
                text.AppendLine("        values: '1x15'");
            }
            if (job == missing) continue;
            text.AppendLine($"      - series: 'up{{job=\"{job}\", instance=\"{job}-0:80\"}}'");
            text.AppendLine("        values: '1x15'");
        }
        text.AppendLine("    promql_expr_test:");
        text.AppendLine("      - expr: ALERTS{alertstate=\"firing\", alertname=~\"ApiDown|ScrapeJobMissing\"}");
        text.AppendLine("        eval_time: 10m");
        if (missing is null)
        {
            text.AppendLine("        exp_samples: []");
            return;
        }
        var guard = OwnGuards.GetValueOrDefault(missing, "ScrapeJobMissing");
        var severity = RuleFiles.LoadAlertRules().First(a => a.Alert == guard).Labels["severity"];
        var team = RuleFiles.LoadAlertRules().First(a => a.Alert == guard).Labels["team"];
        text.AppendLine("        exp_samples:");
        text.AppendLine($"          - labels: 'ALERTS{{alertname=\"{guard}\", alertstate=\"firing\", job=\"{missing}\", severity=\"{severity}\", team=\"{team}\"}}'");
        text.AppendLine("            value: 1");
    }
}
