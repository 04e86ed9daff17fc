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

    /// <summary>The rule files kube-prometheus-stack's own rules cover (above): left out whole.</summary>
    public static readonly IReadOnlyList<string> LeftOut = ["meta.rules.yml", "kubernetes.rules.yml"];

    /// <summary>
    /// infrastructure.rules.yml mixes hosts and Redis; splitting it would change the bundled output, so the Redis rules
    /// are taken from it by name, each unchanged, and tested with the file's Redis cases (OperatorRuleTests).
    /// </summary>
    private static readonly RuleFile RedisPart =
        new("nexustrade-redis", "infrastructure.rules.yml", name => name.Contains("redis", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Every rule file of <c>prometheus/rules</c> but <see cref="LeftOut"/>, each a PrometheusRule named after it
    /// (<c>nexustrade-</c> in front where the file has no such prefix): a new rule file needs no line here.
    /// </summary>
    public static IReadOnlyList<RuleFile> Files(string prometheusDirectory) =>
    [
        .. Directory.GetFiles(Path.Combine(prometheusDirectory, "rules"), "*.rules.yml")
            .Select(path => Path.GetFileName(path))
            .Where(file => !LeftOut.Contains(file))
            .Order(StringComparer.Ordinal)
            .Select(file => file == RedisPart.File ? RedisPart : new RuleFile(NameOf(file), file)),
    ];

    private static string NameOf(string file)
    {
        var stem = file[..^".rules.yml".Length];
        return stem.StartsWith("nexustrade-", StringComparison.Ordinal) ? stem : "nexustrade-" + stem;
    }

    public static IEnumerable<PrometheusRule> Build(string prometheusDirectory, OperatorSettings settings) =>
        Files(prometheusDirectory).Select(file => new PrometheusRule
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
