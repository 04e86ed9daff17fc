using YamlDotNet.Serialization;

namespace NexusTrade.Kubernetes;

/// <summary>
/// The rule files that belong to the application, as PrometheusRules: each the groups of its tested file, unchanged.
/// Left out, because kube-prometheus-stack's own rules cover them (README, "Into a cluster that runs
/// kube-prometheus-stack"): meta.rules.yml (Watchdog, TargetDown and the self-monitoring of our Prometheus and
/// Alertmanager: the chart's general, prometheus and alertmanager rules; ScrapeJobMissing reads our Prometheus's own
/// job), kubernetes.rules.yml (the chart's kubernetes-apps, -resources, -storage and -system rules) and the node half
/// of infrastructure.rules.yml (the chart's node-exporter rules record instance:node_cpu_utilisation:rate5m too).
/// </summary>
public static class OperatorRules
{
    /// <summary>Where a PrometheusRule's rules come from (a file of prometheus/rules).</summary>
    public const string SourceAnnotation = "nexustrade.io/rule-file";

    /// <summary>A PrometheusRule: <paramref name="File"/>'s rules, or only those <paramref name="Keep"/> accepts (by alert or record name).</summary>
    public sealed record RuleFile(string Name, string File, Func<string, bool>? Keep = null);

    public static readonly IReadOnlyList<RuleFile> Files =
    [
        new("nexustrade-api", "nexustrade-api.rules.yml"),
        new("nexustrade-providers", "nexustrade-providers.rules.yml"),
        new("nexustrade-slo", "nexustrade-slo.rules.yml"),
        new("nexustrade-slo-freshness", "nexustrade-slo-freshness.rules.yml"),
        new("nexustrade-probes", "nexustrade-probes.rules.yml"),
        // The file mixes hosts and Redis; splitting it would change the bundled output, so the Redis rules are taken
        // from it by name, each unchanged, and tested with the file's Redis cases (OperatorRuleTests).
        new("nexustrade-redis", "infrastructure.rules.yml", name => name.Contains("redis", StringComparison.OrdinalIgnoreCase)),
    ];

    public static IEnumerable<PrometheusRule> Build(string prometheusDirectory, OperatorSettings settings) =>
        Files.Select(file => new PrometheusRule
        {
            Metadata = WithSource(OperatorScraping.Selectable(new Identity(file.Name, ClusterTopology.ApplicationNamespace, "alert-rules"), settings), file.File),
            Spec = new PrometheusRuleSpec { Groups = Groups(File.ReadAllText(Path.Combine(prometheusDirectory, "rules", file.File)), file.Keep) },
        });

    /// <summary>The groups of a rule file, each rule as the file has it; with <paramref name="keep"/>, only its rules and the groups left with any.</summary>
    public static List<object> Groups(string ruleFile, Func<string, bool>? keep = null)
    {
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(ruleFile);
        var groups = ((List<object>)document["groups"]).Cast<Dictionary<object, object>>().ToList();
        if (keep is null) return [.. groups];
        foreach (var group in groups)
        {
            group["rules"] = ((List<object>)group["rules"]).Cast<Dictionary<object, object>>().Where(rule => keep(RuleName(rule))).Cast<object>().ToList();
        }
        return [.. groups.Where(g => ((List<object>)g["rules"]).Count > 0)];
    }

    /// <summary>An alerting rule's alert or a recording rule's record.</summary>
    public static string RuleName(IDictionary<object, object> rule) => (string)(rule.TryGetValue("alert", out var alert) ? alert : rule["record"]);

    private static k8s.Models.V1ObjectMeta WithSource(k8s.Models.V1ObjectMeta meta, string file)
    {
        meta.Annotations = new Dictionary<string, string> { [SourceAnnotation] = file };
        return meta;
    }
}
