using System.Text.Json;
using System.Text.RegularExpressions;
using NexusTrade.Tests.Dashboards;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// Every alert links to the panel that explains it: a <c>dashboard_url</c> annotation that is a path into Grafana
/// (<c>/d/&lt;uid&gt;/&lt;slug&gt;?viewPanel=&lt;id&gt;&amp;var-&lt;name&gt;=…</c>; the host comes from the notification templates,
/// never from a rule) whose uid, slug, panel id and template variables exist in <c>grafana/dashboards</c>.
/// </summary>
public sealed partial class DashboardUrlTests
{
    private sealed record Dashboard(string Uid, string Slug, HashSet<long> PanelIds, HashSet<string> Variables);

    [GeneratedRegex(@"^/d/(?<uid>[A-Za-z0-9_-]+)/(?<slug>[a-z0-9-]+)\?(?<query>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    // A variable's value: a literal, or one alert label, optionally urlquery'd.
    [GeneratedRegex(@"^(?:[A-Za-z0-9_.:-]*|\{\{ \$labels\.[a-z_]+(?: \| urlquery)? \}\})$", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonSlugCharacters();

    [Fact]
    public void Every_alert_links_to_an_existing_panel_with_existing_variables()
    {
        var problems = Problems(RuleFiles.LoadAlertRules().Select(r => (r.ToString(), r.Annotations.GetValueOrDefault("dashboard_url"))), Dashboards());
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The checks themselves: each kind of broken link is caught (the real rules above must have none).</summary>
    [Theory]
    [InlineData(null, "no dashboard_url")]
    [InlineData("https://grafana.example/d/nexustrade-overview/nexustrade-main-overview?viewPanel=21", "not a path")]
    [InlineData("/d/nexustrade-nothing/nexustrade-main-overview?viewPanel=21", "no dashboard with uid")]
    [InlineData("/d/nexustrade-overview/main?viewPanel=21", "slug")]
    [InlineData("/d/nexustrade-overview/nexustrade-main-overview?viewPanel=999", "viewPanel 999")]
    [InlineData("/d/nexustrade-overview/nexustrade-main-overview?viewPanel=20", "viewPanel 20")] // a row
    [InlineData("/d/nexustrade-overview/nexustrade-main-overview?var-job=api", "no viewPanel")]
    [InlineData("/d/nexustrade-overview/nexustrade-main-overview?viewPanel=21&var-provider={{ $labels.provider }}", "var-provider")]
    [InlineData("/d/nexustrade-overview/nexustrade-main-overview?viewPanel=21&var-probe={{ $value }}", "var-probe")]
    public void A_broken_link_is_reported(string? url, string expected)
    {
        var problems = Problems([("TestAlert", url)], Dashboards());
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_link_passes() =>
        Assert.Empty(Problems([("TestAlert", "/d/nexustrade-providers/nexustrade-data-provider-performance?viewPanel=9&var-provider={{ $labels.provider }}")], Dashboards()));

    private static List<string> Problems(IEnumerable<(string Alert, string? Url)> alerts, IReadOnlyDictionary<string, Dashboard> dashboards)
    {
        var problems = new List<string>();
        foreach (var (alert, url) in alerts)
        {
            if (string.IsNullOrWhiteSpace(url))
            {
                problems.Add($"{alert}: no dashboard_url annotation");
                continue;
            }
            var match = PathPattern().Match(url);
            if (!match.Success)
            {
                problems.Add($"{alert}: dashboard_url '{url}' is not a path /d/<uid>/<slug>?viewPanel=… (the Grafana host comes from the templates)");
                continue;
            }
            if (!dashboards.TryGetValue(match.Groups["uid"].Value, out var dashboard))
            {
                problems.Add($"{alert}: no dashboard with uid '{match.Groups["uid"].Value}' in grafana/dashboards");
                continue;
            }
            if (match.Groups["slug"].Value != dashboard.Slug) problems.Add($"{alert}: slug '{match.Groups["slug"].Value}', the dashboard's is '{dashboard.Slug}'");

            var parameters = match.Groups["query"].Value.Split('&').Select(p => p.Split('=', 2)).ToList();
            var viewPanel = parameters.Where(p => p[0] == "viewPanel").Select(p => p.ElementAtOrDefault(1)).ToList();
            if (viewPanel.Count != 1) problems.Add($"{alert}: no viewPanel=<panel id> in '{url}'");
            else if (!long.TryParse(viewPanel[0], out var id) || !dashboard.PanelIds.Contains(id))
            {
                problems.Add($"{alert}: viewPanel {viewPanel[0]} is not a panel of {dashboard.Uid} (rows do not count)");
            }
            foreach (var parameter in parameters.Where(p => p[0].StartsWith("var-", StringComparison.Ordinal)))
            {
                var name = parameter[0]["var-".Length..];
                if (!dashboard.Variables.Contains(name)) problems.Add($"{alert}: var-{name} is not a template variable of {dashboard.Uid}");
                if (!ValuePattern().IsMatch(parameter.ElementAtOrDefault(1) ?? "")) problems.Add($"{alert}: var-{name} is '{parameter.ElementAtOrDefault(1)}', not a literal or {{{{ $labels.<label> }}}}");
            }
            foreach (var parameter in parameters.Where(p => p[0] != "viewPanel" && !p[0].StartsWith("var-", StringComparison.Ordinal)))
            {
                problems.Add($"{alert}: unexpected parameter '{parameter[0]}' in '{url}'");
            }
        }
        return problems;
    }

    private static Dictionary<string, Dashboard> Dashboards()
    {
        var dashboards = new Dictionary<string, Dashboard>(StringComparer.Ordinal);
        foreach (var file in DashboardQueries.DashboardFiles())
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var root = document.RootElement;
            var panels = DashboardQueries.EnumeratePanels(root)
                .Where(p => p.GetProperty("type").GetString() != "row")
                .Select(p => p.GetProperty("id").GetInt64())
                .ToHashSet();
            var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Select(v => v.GetProperty("name").GetString()!)
                .ToHashSet(StringComparer.Ordinal);
            var uid = root.GetProperty("uid").GetString()!;
            dashboards[uid] = new Dashboard(uid, Slug(root.GetProperty("title").GetString()!), panels, variables);
        }
        return dashboards;
    }

    /// <summary>Grafana's slug of a title: lower case, every run of other characters one '-'.</summary>
    private static string Slug(string title) => NonSlugCharacters().Replace(title.ToLowerInvariant(), "-").Trim('-');
}
