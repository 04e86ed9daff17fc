using System.Text.Json;
using System.Text.RegularExpressions;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Dashboards;

/// <summary>One PromQL query of one panel target of a provisioned Grafana dashboard.</summary>
/// <param name="DashboardUid">The dashboard uid, e.g. <c>nexustrade-apm</c>.</param>
/// <param name="DashboardTitle">The dashboard title.</param>
/// <param name="PanelTitle">The title of the panel holding the target.</param>
/// <param name="RefId">The target's refId (A, B, ...).</param>
/// <param name="RawExpr">The expression exactly as stored in the dashboard JSON (with template variables).</param>
/// <param name="Expr">The expression with every template variable substituted, ready for a live Prometheus.</param>
/// <param name="Instant">True when the panel runs it as an instant query (otherwise a range query).</param>
/// <param name="RequiresKubernetes">True when it reads kube_* (kube-state-metrics) or container_* (cAdvisor) series.</param>
public sealed record DashboardQuery(
    string DashboardUid,
    string DashboardTitle,
    string PanelTitle,
    string RefId,
    string RawExpr,
    string Expr,
    bool Instant,
    bool RequiresKubernetes)
{
    public override string ToString() => $"{DashboardTitle} / {PanelTitle} [{RefId}]: {Expr}";
}

/// <summary>
/// Enumerates the PromQL of every panel target of the dashboards in <c>grafana/dashboards</c> and makes it
/// executable against a live Prometheus by substituting the Grafana template variables.
/// </summary>
public static class DashboardQueries
{
    /// <summary>Value used for every regex-matched selector variable (instance, namespace, node, provider, ...).</summary>
    public const string MatchAnyValue = ".+";

    /// <summary>Substitutions for the template variables used in the dashboards (name without the leading <c>$</c>).</summary>
    public static IReadOnlyDictionary<string, string> Substitutions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["__rate_interval"] = "1m",
        ["__interval"] = "1m",
        ["__interval_ms"] = "60000",
        ["__range"] = "1h",
        ["__range_s"] = "3600",
        ["__range_ms"] = "3600000",
        ["job"] = "api",
        ["instance"] = MatchAnyValue,
        ["namespace"] = MatchAnyValue,
        ["node"] = MatchAnyValue,
        ["pod"] = MatchAnyValue,
        ["provider"] = MatchAnyValue,
        ["redis_instance"] = MatchAnyValue,
    };

    // $name, ${name} and ${name:format}
    private static readonly Regex VariablePattern = new(
        @"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\$(?<name>[A-Za-z_][A-Za-z0-9_]*)",
        RegexOptions.CultureInvariant);

    private static readonly Regex StringLiteralPattern = new(
        @"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`",
        RegexOptions.CultureInvariant);

    // Label matchers ({...}) and label lists of by/without/on/ignoring/group_left/group_right: label names, not series.
    private static readonly Regex LabelSectionPattern = new(
        @"\{[^{}]*\}|\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)",
        RegexOptions.CultureInvariant);

    // A metric name starting with kube_ (kube-state-metrics), container_ (cAdvisor) or kubelet_ (the kubelets).
    private static readonly Regex KubernetesSeriesPattern = new(
        @"(?<![A-Za-z0-9_:])(?:kube|container|kubelet)_[A-Za-z0-9_:]+",
        RegexOptions.CultureInvariant);

    /// <summary>The directory holding the provisioned dashboard JSON files.</summary>
    public static string DashboardsDirectory => Path.Combine(RepoPaths.Root, "grafana", "dashboards");

    /// <summary>The dashboard JSON files, sorted by name.</summary>
    public static IReadOnlyList<string> DashboardFiles() =>
        Directory.GetFiles(DashboardsDirectory, "*.json")
            .OrderBy(static f => f, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every panel target query of every dashboard.</summary>
    public static IReadOnlyList<DashboardQuery> All() =>
        DashboardFiles().SelectMany(static file => FromFile(file)).ToArray();

    /// <summary>Every panel target query of one dashboard file.</summary>
    public static IReadOnlyList<DashboardQuery> FromFile(string path) => FromJson(File.ReadAllText(path));

    /// <summary>Every panel target query of one dashboard JSON document.</summary>
    public static IReadOnlyList<DashboardQuery> FromJson(string dashboardJson)
    {
        using var document = JsonDocument.Parse(dashboardJson);
        var root = document.RootElement;
        var uid = GetString(root, "uid") ?? string.Empty;
        var title = GetString(root, "title") ?? string.Empty;

        var queries = new List<DashboardQuery>();
        foreach (var panel in EnumeratePanels(root))
        {
            if (panel.ValueKind != JsonValueKind.Object
                || !panel.TryGetProperty("targets", out var targets)
                || targets.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var panelTitle = GetString(panel, "title") ?? string.Empty;
            foreach (var target in targets.EnumerateArray())
            {
                var expr = GetString(target, "expr");
                if (string.IsNullOrWhiteSpace(expr))
                {
                    continue;
                }

                var instant = GetBool(target, "instant") && !GetBool(target, "range");
                queries.Add(new DashboardQuery(
                    uid,
                    title,
                    panelTitle,
                    GetString(target, "refId") ?? string.Empty,
                    expr,
                    Substitute(expr),
                    instant,
                    RequiresKubernetes(expr)));
            }
        }

        return queries;
    }

    /// <summary>The threshold step values of a panel (<c>fieldConfig.defaults.thresholds.steps[].value</c>), without the base step.</summary>
    public static List<double> ThresholdSteps(JsonElement panel)
    {
        if (!panel.TryGetProperty("fieldConfig", out var fieldConfig) || !fieldConfig.TryGetProperty("defaults", out var defaults)
            || !defaults.TryGetProperty("thresholds", out var thresholds) || !thresholds.TryGetProperty("steps", out var steps)
            || steps.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return steps.EnumerateArray()
            .Where(static s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number)
            .Select(static s => s.GetProperty("value").GetDouble())
            .ToList();
    }

    /// <summary>
    /// Every panel of a dashboard, depth first: top-level panels, rows, and the panels nested in (collapsed) rows.
    /// </summary>
    public static IEnumerable<JsonElement> EnumeratePanels(JsonElement dashboard)
    {
        if (dashboard.ValueKind != JsonValueKind.Object
            || !dashboard.TryGetProperty("panels", out var panels)
            || panels.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            foreach (var nested in EnumeratePanels(panel))
            {
                yield return nested;
            }
        }
    }

    /// <summary>
    /// Replaces Grafana template variables (<c>$name</c>, <c>${name}</c>, <c>${name:format}</c>) for a live Prometheus:
    /// <c>$__rate_interval</c>/<c>$__interval</c> → 1m, <c>$__range</c> → 1h, <c>$job</c> → api, and every selector
    /// variable (<c>$instance</c>, <c>$namespace</c>, <c>$node</c>, <c>$provider</c>, <c>$redis_instance</c>, ...) → <c>.+</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">An unknown Grafana built-in (<c>$__...</c>) or <c>$datasource</c> is used.</exception>
    public static string Substitute(string expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        return VariablePattern.Replace(expr, match =>
        {
            var name = match.Groups["name"].Value;
            if (Substitutions.TryGetValue(name, out var value))
            {
                return value;
            }

            if (name.StartsWith("__", StringComparison.Ordinal) || name == "datasource")
            {
                throw new InvalidOperationException($"No substitution for Grafana variable '${name}' in: {expr}");
            }

            // Any other dashboard variable is a label-value selector used with =~.
            return MatchAnyValue;
        });
    }

    /// <summary>True when the expression reads kube_*, container_* or kubelet_* series (only scraped in Kubernetes).</summary>
    public static bool RequiresKubernetes(string expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var withoutStrings = StringLiteralPattern.Replace(expr, "\"\"");
        var metricNamesOnly = LabelSectionPattern.Replace(withoutStrings, " ");
        return KubernetesSeriesPattern.IsMatch(metricNamesOnly);
    }

    private static string? GetString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(property, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool GetBool(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(property, out var value)
        && value.ValueKind == JsonValueKind.True;
}
