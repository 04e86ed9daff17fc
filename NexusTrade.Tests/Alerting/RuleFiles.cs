using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Alerting;

/// <summary>One rule of <c>prometheus/rules/*.yml</c>: an alert (<see cref="Alert"/>) or a recording rule (<see cref="Record"/>).</summary>
public sealed record PrometheusRule(
    string File,
    string Group,
    string? Alert,
    string? Record,
    string Expr,
    string? For,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations)
{
    public string Name => Alert ?? Record ?? "(unnamed)";

    public override string ToString() => $"{File} / {Group} / {Name}";
}

/// <summary>The repository's Prometheus rule files and promtool unit tests, read with YamlDotNet.</summary>
public static class RuleFiles
{
    public static string RulesDirectory => RepoPaths.Combine("prometheus", "rules");

    public static string UnitTestsDirectory => RepoPaths.Combine("prometheus", "tests");

    public static string[] RuleFilePaths() => Directory.GetFiles(RulesDirectory, "*.yml").Order(StringComparer.Ordinal).ToArray();

    public static string[] UnitTestFilePaths() => Directory.GetFiles(UnitTestsDirectory, "*.test.yml").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every rule of every rule file, in file order.</summary>
    public static List<PrometheusRule> LoadRules()
    {
        var rules = new List<PrometheusRule>();
        foreach (var path in RuleFilePaths())
        {
            var file = Path.GetFileName(path);
            var root = LoadYaml(path) as YamlMappingNode ?? throw new InvalidDataException($"{file}: the document is not a mapping");
            foreach (var group in Children(Get(root, "groups")).OfType<YamlMappingNode>())
            {
                var groupName = Scalar(Get(group, "name")) ?? "(unnamed group)";
                foreach (var rule in Children(Get(group, "rules")).OfType<YamlMappingNode>())
                {
                    rules.Add(new PrometheusRule(file, groupName, Scalar(Get(rule, "alert")), Scalar(Get(rule, "record")),
                        Scalar(Get(rule, "expr")) ?? "", Scalar(Get(rule, "for")), StringMap(Get(rule, "labels")), StringMap(Get(rule, "annotations"))));
                }
            }
        }
        return rules;
    }

    public static List<PrometheusRule> LoadAlertRules() => LoadRules().Where(r => r.Alert is not null).ToList();

    public static YamlNode? LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="mapping"/>, or null.</summary>
    public static YamlNode? Get(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode scalar && scalar.Value == key).Value;

    public static IEnumerable<YamlNode> Children(YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    public static string? Scalar(YamlNode? node) => node is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value) ? scalar.Value : null;

    private static Dictionary<string, string> StringMap(YamlNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is not YamlMappingNode mapping) return map;
        foreach (var entry in mapping.Children)
        {
            if (Scalar(entry.Key) is { } key && Scalar(entry.Value) is { } value) map[key] = value;
        }
        return map;
    }
}
