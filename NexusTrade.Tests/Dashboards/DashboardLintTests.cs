using System.Text.Json;
using System.Text.RegularExpressions;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Dashboards;

/// <summary>
/// Static checks of the provisioned Grafana dashboards (grafana/dashboards/*.json) and of the Grafana
/// provisioning files. No Grafana or Prometheus is needed.
/// </summary>
public sealed class DashboardLintTests
{
    private const string DatasourceVariableUid = "${datasource}";
    private const string Tag = "nexustrade";
    private const string FiringAlertsQuery = "ALERTS{alertstate=\"firing\"}";

    private static readonly IReadOnlyDictionary<string, string> ExpectedDashboards =
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nexustrade-overview"] = "NexusTrade / Main Overview",
            ["nexustrade-k8s"] = "NexusTrade / Kubernetes Cluster Health",
            ["nexustrade-apm"] = "NexusTrade / Application Performance (APM)",
            ["nexustrade-providers"] = "NexusTrade / Data Provider Performance",
            ["nexustrade-redis"] = "NexusTrade / Redis Performance",
        };

    private static readonly Lazy<IReadOnlyList<LoadedDashboard>> AllDashboards = new(LoadDashboards);

    private static readonly Regex LoopbackPattern = new(
        @"localhost|127\.0\.0\.1|\[::1\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // instance="host:port", instance=~"10.0.0.1:8080|..." and the like: a literal host:port in an instance matcher.
    private static readonly Regex HardCodedInstancePattern = new(
        @"instance\s*(?:=|!=|=~|!~)\s*""[^""$]*:\d+", RegexOptions.CultureInvariant);

    // Any quoted "host:port" literal inside a query.
    private static readonly Regex HostPortLiteralPattern = new(
        @"""[A-Za-z0-9.-]+:\d{2,5}""", RegexOptions.CultureInvariant);

    // A selector filtered by a template variable: instance=~"$instance", instance=~"$node", namespace=~"$namespace"...
    private static readonly Regex TemplatedFilterPattern = new(
        @"(?:instance|namespace)\s*=~\s*""\$\{?[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant);

    public static TheoryData<string> DashboardUids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var uid in ExpectedDashboards.Keys)
            {
                data.Add(uid);
            }

            return data;
        }
    }

    [Fact]
    public void Exactly_the_five_expected_dashboards_are_present()
    {
        var problems = new List<string>();
        var dashboards = AllDashboards.Value;

        if (dashboards.Count != ExpectedDashboards.Count)
        {
            problems.Add(
                $"expected {ExpectedDashboards.Count} dashboards in {DashboardQueries.DashboardsDirectory}, found "
                + $"{dashboards.Count}: {string.Join(", ", dashboards.Select(static d => Path.GetFileName(d.Path)))}");
        }

        foreach (var dashboard in dashboards)
        {
            if (string.IsNullOrWhiteSpace(dashboard.Uid))
            {
                problems.Add($"{dashboard.Path}: missing uid");
            }

            if (string.IsNullOrWhiteSpace(dashboard.Title))
            {
                problems.Add($"{dashboard.Path}: missing title");
            }
        }

        foreach (var group in dashboards.GroupBy(static d => d.Uid, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            problems.Add($"duplicate uid '{group.Key}' in {string.Join(", ", group.Select(static d => d.Path))}");
        }

        foreach (var group in dashboards.GroupBy(static d => d.Title, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            problems.Add($"duplicate title '{group.Key}' in {string.Join(", ", group.Select(static d => d.Path))}");
        }

        foreach (var (uid, title) in ExpectedDashboards)
        {
            var dashboard = dashboards.FirstOrDefault(d => d.Uid == uid);
            if (dashboard is null)
            {
                problems.Add($"no dashboard with uid '{uid}'");
            }
            else if (dashboard.Title != title)
            {
                problems.Add($"{uid}: title is '{dashboard.Title}', expected '{title}'");
            }
        }

        Report("dashboard set", problems);
    }

    [Theory]
    [MemberData(nameof(DashboardUids))]
    public void Dashboard_has_the_standard_settings(string uid)
    {
        var dashboard = Get(uid);
        var root = dashboard.Root;
        var problems = new List<string>();

        if (!TryProp(root, "schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number
            || !schema.TryGetInt32(out var schemaVersion) || schemaVersion < 39)
        {
            problems.Add("schemaVersion must be a number >= 39");
        }

        if (!Strings(root, "tags").Contains(Tag, StringComparer.Ordinal))
        {
            problems.Add($"tags must contain '{Tag}'");
        }

        if (Str(root, "refresh") != "30s")
        {
            problems.Add("refresh must be 30s");
        }

        if (Str(root, "timezone") != "browser")
        {
            problems.Add("timezone must be browser");
        }

        if (!TryProp(root, "time", out var time) || Str(time, "to") != "now" || string.IsNullOrEmpty(Str(time, "from")))
        {
            problems.Add("time must be relative to now");
        }
        else if (uid != "nexustrade-k8s" && Str(time, "from") != "now-1h")
        {
            problems.Add("default time range must be the last hour");
        }

        Report(uid, problems);
    }

    [Theory]
    [MemberData(nameof(DashboardUids))]
    public void Template_variables_use_the_datasource_variable(string uid)
    {
        var root = Get(uid).Root;
        var problems = new List<string>();
        var variables = Variables(root).ToList();
        var prometheusUid = GrafanaProvisioning.DatasourceUid("prometheus");

        var datasourceVariable = variables.FirstOrDefault(v => Str(v, "name") == "datasource");
        if (datasourceVariable.ValueKind != JsonValueKind.Object)
        {
            problems.Add("missing template variable 'datasource'");
        }
        else
        {
            if (Str(datasourceVariable, "type") != "datasource" || Str(datasourceVariable, "query") != "prometheus")
            {
                problems.Add("variable 'datasource' must be of type datasource with query prometheus");
            }

            if (!TryProp(datasourceVariable, "current", out var current) || Str(current, "value") != prometheusUid)
            {
                problems.Add($"variable 'datasource' must default to the provisioned uid '{prometheusUid}'");
            }
        }

        var requiredVariables = uid == "nexustrade-k8s" ? new[] { "namespace" } : new[] { "job", "instance" };
        foreach (var name in requiredVariables)
        {
            if (!variables.Any(v => Str(v, "name") == name))
            {
                problems.Add($"missing template variable '{name}'");
            }
        }

        if (uid == "nexustrade-k8s")
        {
            var ns = variables.FirstOrDefault(v => Str(v, "name") == "namespace");
            if (ns.ValueKind == JsonValueKind.Object && !(TryProp(ns, "includeAll", out var all) && all.ValueKind == JsonValueKind.True))
            {
                problems.Add("variable 'namespace' must have includeAll");
            }
        }

        foreach (var variable in variables.Where(v => Str(v, "type") == "query"))
        {
            if (!TryProp(variable, "datasource", out var ds) || Str(ds, "uid") != DatasourceVariableUid)
            {
                problems.Add($"query variable '{Str(variable, "name")}' must use datasource uid {DatasourceVariableUid}");
            }
        }

        Report(uid, problems);
    }

    [Theory]
    [MemberData(nameof(DashboardUids))]
    public void Panels_have_unique_ids_units_and_the_datasource_variable(string uid)
    {
        var root = Get(uid).Root;
        var problems = new List<string>();
        var ids = new HashSet<long>();
        var titles = new HashSet<string>(StringComparer.Ordinal);
        var panelCount = 0;

        foreach (var panel in DashboardQueries.EnumeratePanels(root))
        {
            var title = Str(panel, "title") ?? "(untitled)";
            if (!TryProp(panel, "id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var idValue))
            {
                problems.Add($"panel '{title}': missing numeric id");
            }
            else if (!ids.Add(idValue))
            {
                problems.Add($"panel '{title}': duplicate id {idValue}");
            }

            if (Str(panel, "type") == "row")
            {
                continue; // rows only group panels: no query, no unit
            }

            panelCount++;
            if (string.IsNullOrWhiteSpace(Str(panel, "title")))
            {
                problems.Add($"panel id {id}: missing title");
            }
            else if (!titles.Add(title))
            {
                problems.Add($"panel '{title}': duplicate title");
            }

            if (!TryProp(panel, "fieldConfig", out var fieldConfig) || !TryProp(fieldConfig, "defaults", out var defaults)
                || string.IsNullOrWhiteSpace(Str(defaults, "unit")))
            {
                problems.Add($"panel '{title}': fieldConfig.defaults.unit is not set");
            }

            if (!TryProp(panel, "datasource", out var panelDatasource) || Str(panelDatasource, "uid") != DatasourceVariableUid)
            {
                problems.Add($"panel '{title}': datasource uid must be {DatasourceVariableUid}");
            }

            var targets = Items(panel, "targets").ToList();
            if (targets.Count == 0)
            {
                problems.Add($"panel '{title}': no targets");
            }

            foreach (var target in targets)
            {
                if (string.IsNullOrWhiteSpace(Str(target, "expr")))
                {
                    problems.Add($"panel '{title}' target {Str(target, "refId")}: empty expr");
                }

                if (TryProp(target, "datasource", out var targetDatasource) && Str(targetDatasource, "uid") != DatasourceVariableUid)
                {
                    problems.Add($"panel '{title}' target {Str(target, "refId")}: datasource uid must be {DatasourceVariableUid}");
                }
            }
        }

        if (panelCount == 0)
        {
            problems.Add("no panels");
        }

        Report(uid, problems);
    }

    [Theory]
    [MemberData(nameof(DashboardUids))]
    public void Queries_are_templated_and_nothing_is_hard_coded(string uid)
    {
        var dashboard = Get(uid);
        var problems = new List<string>();

        foreach (var value in AllStrings(dashboard.Root))
        {
            if (LoopbackPattern.IsMatch(value))
            {
                problems.Add($"loopback address in '{value}'");
            }

            if (HardCodedInstancePattern.IsMatch(value))
            {
                problems.Add($"hard-coded instance in '{value}'");
            }
        }

        foreach (var query in DashboardQueries.FromJson(dashboard.Text))
        {
            if (HostPortLiteralPattern.IsMatch(query.RawExpr))
            {
                problems.Add($"panel '{query.PanelTitle}': host:port literal in {query.RawExpr}");
            }

            // Every query except the ones on Prometheus' own ALERTS series selects the dashboard's instance/namespace.
            if (!query.RawExpr.Contains("ALERTS", StringComparison.Ordinal) && !TemplatedFilterPattern.IsMatch(query.RawExpr))
            {
                problems.Add($"panel '{query.PanelTitle}' [{query.RefId}]: not filtered by instance=~\"$...\" or namespace=~\"$...\": {query.RawExpr}");
            }
        }

        Report(uid, problems);
    }

    [Theory]
    [MemberData(nameof(DashboardUids))]
    public void Links_to_the_other_dashboards(string uid)
    {
        var root = Get(uid).Root;
        var problems = new List<string>();
        var links = Items(root, "links").ToList();

        if (!links.Any(l => Str(l, "type") == "dashboards" && Strings(l, "tags").Contains(Tag, StringComparer.Ordinal)))
        {
            problems.Add($"missing a 'dashboards' link with tag '{Tag}'");
        }

        foreach (var other in ExpectedDashboards.Keys.Where(k => k != uid))
        {
            var pattern = new Regex("/d/" + Regex.Escape(other) + "(?:[/?#]|$)", RegexOptions.CultureInvariant);
            if (!links.Any(l => Str(l, "type") == "link" && pattern.IsMatch(Str(l, "url") ?? string.Empty)))
            {
                problems.Add($"missing a link to /d/{other}");
            }
        }

        var self = new Regex("/d/" + Regex.Escape(uid) + "(?:[/?#]|$)", RegexOptions.CultureInvariant);
        if (links.Any(l => self.IsMatch(Str(l, "url") ?? string.Empty)))
        {
            problems.Add("links to itself");
        }

        Report(uid, problems);
    }

    [Theory]
    [MemberData(nameof(DashboardUids))]
    public void Annotates_firing_alerts(string uid)
    {
        var root = Get(uid).Root;
        var annotations = TryProp(root, "annotations", out var container) ? Items(container, "list").ToList() : new List<JsonElement>();

        var firing = annotations.Where(a =>
            TryProp(a, "datasource", out var ds)
            && Str(ds, "uid") == DatasourceVariableUid
            && (Str(a, "expr") ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).Contains(FiringAlertsQuery, StringComparison.Ordinal));

        if (!firing.Any())
        {
            Assert.Fail($"{uid}: no annotation on datasource {DatasourceVariableUid} with expr {FiringAlertsQuery}");
        }
    }

    [Fact]
    public void Datasource_provisioning_matches_the_dashboards()
    {
        var problems = new List<string>();
        var datasources = GrafanaProvisioning.Datasources();

        var prometheus = datasources.Where(d => d.Type == "prometheus").ToList();
        if (prometheus.Count != 1)
        {
            problems.Add($"expected exactly one prometheus datasource, found {prometheus.Count}");
        }
        else
        {
            var ds = prometheus[0];
            if (ds.Uid != "prometheus") problems.Add("prometheus datasource uid must be 'prometheus'");
            if (ds.Url != "${PROMETHEUS_URL}") problems.Add("prometheus datasource url must be ${PROMETHEUS_URL}");
            if (!ds.IsDefault) problems.Add("prometheus datasource must be the default");
        }

        var alertmanager = datasources.Where(d => d.Type == "alertmanager").ToList();
        if (alertmanager.Count != 1)
        {
            problems.Add($"expected exactly one alertmanager datasource, found {alertmanager.Count}");
        }
        else
        {
            var ds = alertmanager[0];
            if (ds.Uid != "alertmanager") problems.Add("alertmanager datasource uid must be 'alertmanager'");
            if (ds.Url != "${ALERTMANAGER_URL}") problems.Add("alertmanager datasource url must be ${ALERTMANAGER_URL}");
            if (ds.JsonData.GetValueOrDefault("implementation") != "prometheus")
            {
                problems.Add("alertmanager datasource jsonData.implementation must be prometheus");
            }
        }

        // Every dashboard resolves its datasource through the provisioned uid.
        var prometheusUid = GrafanaProvisioning.DatasourceUid("prometheus");
        foreach (var dashboard in AllDashboards.Value)
        {
            var variable = Variables(dashboard.Root).FirstOrDefault(v => Str(v, "name") == "datasource");
            var current = variable.ValueKind == JsonValueKind.Object && TryProp(variable, "current", out var c) ? Str(c, "value") : null;
            if (current != prometheusUid)
            {
                problems.Add($"{dashboard.Uid}: datasource variable defaults to '{current}', provisioned uid is '{prometheusUid}'");
            }
        }

        var providers = GrafanaProvisioning.DashboardProviders();
        if (providers.Count != 1)
        {
            problems.Add($"dashboards.yml: expected exactly one provider, found {providers.Count}");
        }
        else
        {
            var provider = providers[0];
            if (provider.Options.GetValueOrDefault("path") != "${GRAFANA_DASHBOARDS_PATH}") problems.Add("dashboards.yml: options.path must be ${GRAFANA_DASHBOARDS_PATH}");
            if (provider.Folder != "NexusTrade") problems.Add("dashboards.yml: folder must be NexusTrade");
            if (provider.Options.GetValueOrDefault("foldersFromFilesStructure") != "false") problems.Add("dashboards.yml: options.foldersFromFilesStructure must be false");
            if (provider.AllowUiUpdates) problems.Add("dashboards.yml: allowUiUpdates must be false");
        }

        Report("provisioning", problems);
    }

    [Fact]
    public void Dashboard_queries_enumerate_every_target_with_substituted_variables()
    {
        var problems = new List<string>();
        var queries = DashboardQueries.All();

        var targetCount = AllDashboards.Value
            .SelectMany(d => DashboardQueries.EnumeratePanels(d.Root))
            .SelectMany(p => Items(p, "targets"))
            .Count(t => !string.IsNullOrWhiteSpace(Str(t, "expr")));
        if (queries.Count != targetCount)
        {
            problems.Add($"DashboardQueries.All() returned {queries.Count} queries for {targetCount} targets");
        }

        foreach (var query in queries)
        {
            if (query.Expr.Contains('$', StringComparison.Ordinal))
            {
                problems.Add($"unsubstituted variable: {query}");
            }

            var isKubernetesDashboard = query.DashboardUid == "nexustrade-k8s";
            if (query.RequiresKubernetes && !isKubernetesDashboard)
            {
                problems.Add($"only the Kubernetes dashboard may use kube_*/container_* series: {query}");
            }
        }

        var k8s = queries.Where(q => q.DashboardUid == "nexustrade-k8s").ToList();
        if (!k8s.Any(q => q.RequiresKubernetes) || !k8s.Any(q => !q.RequiresKubernetes))
        {
            problems.Add("the Kubernetes dashboard must mix kube_*/container_* queries and node-exporter queries");
        }

        const string Raw = "sum by (le) (rate(m_bucket{job=~\"$job\", instance=~\"${instance}\"}[$__rate_interval])) / sum(increase(m_count{instance=~\"$instance\"}[$__range]))";
        const string Expected = "sum by (le) (rate(m_bucket{job=~\"api\", instance=~\".+\"}[1m])) / sum(increase(m_count{instance=~\".+\"}[1h]))";
        var substituted = DashboardQueries.Substitute(Raw);
        if (substituted != Expected)
        {
            problems.Add($"Substitute: got {substituted}");
        }

        if (!DashboardQueries.RequiresKubernetes("sum by (namespace) (kube_pod_status_ready{condition=\"false\"})")
            || !DashboardQueries.RequiresKubernetes("sum(rate(container_cpu_usage_seconds_total[1m]))")
            || DashboardQueries.RequiresKubernetes("sum by (container) (node_memory_MemTotal_bytes{container!=\"\", job=\"kube_x\"})"))
        {
            problems.Add("RequiresKubernetes misclassifies a sample expression");
        }

        Report("DashboardQueries", problems);
    }

    // ------------------------------------------------------------------ helpers

    private sealed record LoadedDashboard(string Path, string Text, JsonElement Root, string Uid, string Title);

    private static IReadOnlyList<LoadedDashboard> LoadDashboards()
    {
        var result = new List<LoadedDashboard>();
        foreach (var path in DashboardQueries.DashboardFiles())
        {
            var text = File.ReadAllText(path);
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(text);
                root = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"{path} is not valid JSON: {ex.Message}", ex);
            }

            result.Add(new LoadedDashboard(path, text, root, Str(root, "uid") ?? string.Empty, Str(root, "title") ?? string.Empty));
        }

        return result;
    }

    private static LoadedDashboard Get(string uid) =>
        AllDashboards.Value.FirstOrDefault(d => d.Uid == uid)
        ?? throw new InvalidOperationException($"no dashboard with uid '{uid}' in {DashboardQueries.DashboardsDirectory}");

    private static void Report(string context, List<string> problems)
    {
        if (problems.Count > 0)
        {
            Assert.Fail($"{context}: {problems.Count} problem(s):{Environment.NewLine}  "
                        + string.Join(Environment.NewLine + "  ", problems));
        }
    }

    private static bool TryProp(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    private static string? Str(JsonElement element, string name) =>
        TryProp(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        TryProp(element, name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToList()
            : Enumerable.Empty<JsonElement>();

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        Items(element, name)
            .Where(static e => e.ValueKind == JsonValueKind.String)
            .Select(static e => e.GetString() ?? string.Empty);

    private static IEnumerable<JsonElement> Variables(JsonElement dashboard) =>
        TryProp(dashboard, "templating", out var templating) ? Items(templating, "list") : Enumerable.Empty<JsonElement>();

    private static IEnumerable<string> AllStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return element.GetString() ?? string.Empty;
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var value in AllStrings(property.Value))
                    {
                        yield return value;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var value in AllStrings(item))
                    {
                        yield return value;
                    }
                }

                break;
        }
    }
}
