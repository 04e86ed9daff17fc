using System.Text.Json;
using System.Text.RegularExpressions;
using NexusTrade.Tests.Alerting;
using NexusTrade.Tests.Dashboards;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>A PromQL expression that must return at least one sample on the recorded series, and what it stands for.</summary>
public sealed record DataCheck(string Subject, string Expr)
{
    public override string ToString() => $"{Subject}: {Expr}";
}

/// <summary>
/// prometheus/tests/fixtures/kubernetes-bad-day.yml (recorded kube-state-metrics, kubelet and cAdvisor series) and
/// the checks run against it with <c>promtool test rules</c>: each check becomes a promql_expr_test expecting
/// <c>count(expr) &gt; bool 0</c> to be 1, which holds for any non-empty result and fails for an empty one.
/// </summary>
public static partial class RecordedClusterSeries
{
    public static string FixturePath => RepoPaths.Combine("prometheus", "tests", "fixtures", "kubernetes-bad-day.yml");

    /// <summary>The rule file whose alerts are the Kubernetes alerts (with its recording rules).</summary>
    public static string KubernetesRules => Path.Combine(RuleFiles.RulesDirectory, "kubernetes.rules.yml");

    /// <summary>
    /// Each Kubernetes-only panel query, made to prove its data: without its "or vector(0)" fallback (which would answer
    /// for a misspelled metric too), and once per alternative of each literal regex (<c>condition=~"false|unknown"</c>
    /// checks <c>false</c> and <c>unknown</c> apart, so that a misspelled one is not hidden by the other).
    /// </summary>
    public static IEnumerable<DataCheck> PanelChecks(IEnumerable<DashboardQuery> queries) =>
        queries.Where(q => q.RequiresKubernetes)
            .SelectMany(q => Variants(Fallback().Replace(q.Expr, ""))
                .Select(expr => new DataCheck($"{q.DashboardTitle} / {q.PanelTitle} [{q.RefId}]", expr)));

    /// <summary>The dashboards' template variables read from Kubernetes-only series (<c>label_values(metric, label)</c>).</summary>
    public static IEnumerable<DataCheck> VariableChecks(string dashboardsDirectory)
    {
        foreach (var file in Directory.GetFiles(dashboardsDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            if (!document.RootElement.TryGetProperty("templating", out var templating)) continue;
            foreach (var variable in templating.GetProperty("list").EnumerateArray())
            {
                var query = variable.TryGetProperty("query", out var q) ? q.ValueKind == JsonValueKind.Object && q.TryGetProperty("query", out var inner) ? inner.GetString() : q.GetString() : null;
                if (query is null || LabelValues().Match(query) is not { Success: true } match || !DashboardQueries.RequiresKubernetes(match.Groups["selector"].Value)) continue;
                yield return new DataCheck($"{Path.GetFileName(file)} variable ${variable.GetProperty("name").GetString()}",
                    $"count by ({match.Groups["label"].Value}) ({DashboardQueries.Substitute(match.Groups["selector"].Value)})");
            }
        }
    }

    /// <summary>Every alert of the Kubernetes rules, per severity, firing at the fixture's evaluation time.</summary>
    public static IEnumerable<DataCheck> AlertChecks() =>
        RuleFiles.LoadAlertRules().Where(a => a.File == Path.GetFileName(KubernetesRules))
            .Select(a => (a.Name, Severity: a.Labels["severity"])).Distinct()
            .Select(a => new DataCheck($"alert {a.Name} ({a.Severity})", $"ALERTS{{alertname=\"{a.Name}\", severity=\"{a.Severity}\", alertstate=\"firing\"}}"));

    /// <summary>The job labels of the recorded series.</summary>
    public static IReadOnlySet<string> Jobs() =>
        InputSeries().Select(s => JobLabel().Match(s["series"]).Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Runs the checks on the recorded series (with <paramref name="ruleFiles"/> evaluated); exit code and promtool's report.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(IEnumerable<DataCheck> checks, params string[] ruleFiles) =>
        RunAsync(checks, series => series, ruleFiles);

    /// <summary>As <see cref="RunAsync(IEnumerable{DataCheck}, string[])"/>, each recorded series relabelled by <paramref name="relabel"/> first.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<DataCheck> checks, Func<string, string> relabel, params string[] ruleFiles)
    {
        var fixture = (YamlMappingNode)RuleFiles.LoadYaml(FixturePath)!;
        var evalTime = RuleFiles.Scalar(RuleFiles.Get(fixture, "eval_time"))!;
        var test = new Dictionary<string, object>
        {
            ["rule_files"] = ruleFiles,
            ["evaluation_interval"] = RuleFiles.Scalar(RuleFiles.Get(fixture, "interval"))!,
            ["tests"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "recorded Kubernetes series",
                    ["interval"] = RuleFiles.Scalar(RuleFiles.Get(fixture, "interval"))!,
                    ["input_series"] = InputSeries().Select(s => new Dictionary<string, string> { ["series"] = relabel(s["series"]), ["values"] = s["values"] }).ToList(),
                    ["promql_expr_test"] = checks.Select(check => new Dictionary<string, object>
                    {
                        ["expr"] = $"count({check.Expr}) > bool 0",
                        ["eval_time"] = evalTime,
                        ["exp_samples"] = new[] { new Dictionary<string, object> { ["labels"] = "{}", ["value"] = 1 } },
                    }).ToList(),
                },
            },
        };

        var work = Directory.CreateTempSubdirectory("nexustrade-recorded-").FullName;
        try
        {
            var path = Path.Combine(work, "recorded.test.yml");
            await File.WriteAllTextAsync(path, new SerializerBuilder().DisableAliases().Build().Serialize(test));
            return await ToolRunner.RunAsync("promtool", ["test", "rules", path], TimeSpan.FromMinutes(2));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static List<Dictionary<string, string>> InputSeries() =>
        RuleFiles.Children(RuleFiles.Get((YamlMappingNode)RuleFiles.LoadYaml(FixturePath)!, "input_series")).Cast<YamlMappingNode>()
            .Select(s => new Dictionary<string, string> { ["series"] = RuleFiles.Scalar(s["series"])!, ["values"] = RuleFiles.Scalar(s["values"])! })
            .ToList();

    /// <summary>The expression once per alternative of each literal regex matcher, or as it is when it has none.</summary>
    private static IEnumerable<string> Variants(string expr)
    {
        var matchers = LiteralAlternation().Matches(expr);
        if (matchers.Count == 0) return [expr];
        return matchers.SelectMany(m => m.Groups["values"].Value.Split('|').Select(value =>
            string.Concat(expr.AsSpan(0, m.Groups["values"].Index), value, expr.AsSpan(m.Groups["values"].Index + m.Groups["values"].Length))));
    }

    // Grafana shows 0 instead of "No data" with a trailing "or vector(0)".
    [GeneratedRegex(@"\s+or\s+vector\(\s*0\s*\)\s*$")]
    private static partial Regex Fallback();

    // label=~"a|b|c" with plain words only (not a pattern such as ".+" or a template variable).
    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\s*=~\s*""(?<values>[A-Za-z0-9_.-]+(?:\|[A-Za-z0-9_.-]+)+)""")]
    private static partial Regex LiteralAlternation();

    [GeneratedRegex(@"^\s*label_values\(\s*(?<selector>.+?)\s*,\s*(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\bjob=""([^""]+)""")]
    private static partial Regex JobLabel();
}
