using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NexusTrade.Tests.Alerting;

namespace NexusTrade.Tests.Dashboards;

/// <summary>
/// Panel thresholds agree with the alert rules: a panel that shows what an alert watches turns orange/red exactly
/// where the alert's warning/critical thresholds are, read from <c>prometheus/rules</c> (changing a rule's number
/// without its panels fails here). Every other panel with thresholds is listed with the reason it has its own.
/// </summary>
public sealed partial class DashboardThresholdTests
{
    /// <summary>Where a panel's thresholds come from: the thresholds of an alert's rules (1 - x for "available" ratios), or an SLO objective.</summary>
    private sealed record Source(string Name, bool Complement = false, bool Objective = false);

    private static readonly Dictionary<string, Source> FromRules = new(StringComparer.Ordinal)
    {
        ["5xx error ratio"] = new("ApiHighErrorRate"),
        ["5xx error ratio by route"] = new("ApiHighErrorRate"),
        ["5xx error ratio over time"] = new("ApiHighErrorRate"),
        ["p99 latency"] = new("ApiHighLatency"),
        ["Latency p50 / p95 / p99"] = new("ApiHighLatency"),
        ["Latency p50 by route"] = new("ApiHighLatency"),
        ["Latency p95 by route"] = new("ApiHighLatency"),
        ["Latency p99 by route"] = new("ApiHighLatency"),
        ["CPU usage"] = new("ApiHighCpuUsage"),
        ["Cluster CPU utilisation"] = new("NodeHighCpuUsage"),
        ["Node CPU utilisation per node"] = new("NodeHighCpuUsage"),
        ["Cluster memory utilisation"] = new("NodeMemoryLow", Complement: true),
        ["Node memory utilisation per node"] = new("NodeMemoryLow", Complement: true),
        ["Error ratio per provider"] = new("DataProviderFailing"),
        ["Error ratio per provider over time"] = new("DataProviderFailing"),
        ["Cache hit ratio"] = new("CacheHitRatioLow"),
        ["Cache hit / miss ratio"] = new("CacheHitRatioLow"),
        ["Memory used / max"] = new("RedisMemoryHigh"),
        ["Availability (selected range)"] = new("availability", Objective: true),
        ["Probe duration by probe"] = new("ApiProbeSlow"),
        ["Freshness SLO burn rate"] = new("QuoteFreshnessErrorBudgetBurn"),
        ["Node filesystem space available"] = new("NodeFilesystemFillingUp"),
        ["Persistent volume space available"] = new("KubePersistentVolumeFillingUp"),
    };

    /// <summary>Panels whose thresholds no alert defines, and why.</summary>
    private static readonly Dictionary<string, string> OwnThresholds = new(StringComparer.Ordinal)
    {
        ["SLO error budget left (30d)"] = "budget left: red when spent, orange under a quarter",
        ["Latency SLO budget left (30d)"] = "budget left: red when spent, orange under a quarter",
        ["Scheduling lag p99"] = "no alert; thread-pool lag guide",
        ["Provider latency p50 / p99"] = "no alert on provider latency (the API's own latency alert covers it)",
        ["Outbound HTTP p99 by server"] = "no alert on client latency",
        ["Provider health (circuit breaker)"] = "state encoding 0 closed, 1 half-open, 2 open",
        ["Circuit breaker state"] = "state encoding 0 closed, 1 half-open, 2 open",
        ["Circuit breaker state over time"] = "state encoding 0 closed, 1 half-open, 2 open",
        ["Quotes unavailable (503/s)"] = "any unavailable quote shows",
        ["Quotes unavailable (range)"] = "any unavailable quote shows",
        ["Fail-overs (range)"] = "any fail-over shows",
        ["Firing alerts"] = "any firing alert shows",
        ["Cache errors"] = "a rate (CacheLookupErrorsHigh is a ratio): any error shows",
        ["Pods not ready (now)"] = "any pod shows",
        ["Pods not ready by namespace"] = "any pod shows",
        ["Autoscalers unable to scale"] = "condition encoding 1 = ScalingActive false (KubeHpaScalingInactive compares == 1)",
        ["Container restarts (range)"] = "any restart shows",
        ["Redis up"] = "1 = up",
        ["Redis up per target"] = "1 = up",
        ["Quote age p50 / p99 by channel"] = "5 s: the freshness SLO's age bound, a bucket edge (le=\"5\") in nexustrade-slo-freshness.rules.yml, not a comparison",
    };

    // The threshold of an alert is the first comparison with a number in its expression.
    [GeneratedRegex(@"[<>]=?\s*(?<value>[0-9]+(?:\.[0-9]+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex ComparisonPattern();

    [GeneratedRegex(@"^vector\((?<value>[0-9.]+)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectivePattern();

    [Fact]
    public void Panel_thresholds_are_the_thresholds_of_the_rules_they_show()
    {
        var rules = RuleFiles.LoadRules();
        var problems = new List<string>();
        var checkedPanels = 0;
        foreach (var (dashboard, panel, title, steps) in PanelsWithThresholds())
        {
            if (!FromRules.TryGetValue(title, out var source))
            {
                if (!OwnThresholds.ContainsKey(title)) problems.Add($"{dashboard} / {title}: thresholds [{Format(steps)}] come from no rule and are not listed in {nameof(OwnThresholds)}");
                continue;
            }

            checkedPanels++;
            var expected = Expected(rules, source);
            if (expected.Count == 0) problems.Add($"{dashboard} / {title}: no rule {source.Name} with a threshold");
            else if (!expected.Order().SequenceEqual(steps.Order(), Tolerance.Instance))
            {
                problems.Add($"{dashboard} / {title}: thresholds [{Format(steps)}], rule {source.Name} says [{Format(expected)}]");
            }
        }

        Assert.True(checkedPanels > 10, $"only {checkedPanels} panels compared with rules");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_listed_panel_exists()
    {
        var titles = PanelsWithThresholds().Select(static p => p.Title).ToHashSet(StringComparer.Ordinal);
        var stale = FromRules.Keys.Concat(OwnThresholds.Keys).Where(t => !titles.Contains(t)).ToList();
        Assert.True(stale.Count == 0, "listed but no such panel with thresholds: " + string.Join(", ", stale));
    }

    private static List<double> Expected(List<PrometheusRule> rules, Source source)
    {
        if (source.Objective)
        {
            return rules.Where(r => r.Record == "nexustrade:slo_objective:ratio" && r.Labels.GetValueOrDefault("slo") == source.Name)
                .Select(r => ObjectivePattern().Match(r.Expr.Trim()))
                .Where(static m => m.Success)
                .Select(static m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
                .ToList();
        }

        return rules.Where(r => r.Alert == source.Name)
            .Select(r => ComparisonPattern().Match(r.Expr))
            .Where(static m => m.Success)
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .Select(v => source.Complement ? 1 - v : v)
            .Distinct()
            .ToList();
    }

    private static IEnumerable<(string Dashboard, JsonElement Panel, string Title, List<double> Steps)> PanelsWithThresholds()
    {
        foreach (var file in DashboardQueries.DashboardFiles())
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var uid = document.RootElement.GetProperty("uid").GetString()!;
            foreach (var panel in DashboardQueries.EnumeratePanels(document.RootElement))
            {
                var steps = DashboardQueries.ThresholdSteps(panel);
                if (steps.Count > 0) yield return (uid, panel.Clone(), panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "", steps);
            }
        }
    }

    private static string Format(IEnumerable<double> values) => string.Join(", ", values.Select(static v => v.ToString(CultureInfo.InvariantCulture)));

    private sealed class Tolerance : IEqualityComparer<double>
    {
        public static readonly Tolerance Instance = new();

        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

        public int GetHashCode(double obj) => 0;
    }
}
