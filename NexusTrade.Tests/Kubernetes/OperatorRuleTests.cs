using NexusTrade.Kubernetes;
using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;
using YamlDotNet.Serialization;

namespace NexusTrade.Tests.Kubernetes;

/// <summary>
/// The PrometheusRules are the rule files promtool tests: each rule equal to its file's, and each PrometheusRule's
/// rules, written back into a file, pass the file's promtool tests (for the Redis part of infrastructure.rules.yml,
/// the file's Redis cases).
/// </summary>
[Collection(OperatorManifestsCollection.Name)]
public sealed class OperatorRuleTests(OperatorManifests published, ITestOutputHelper output)
{
    private static readonly ISerializer Yaml = new SerializerBuilder().DisableAliases().Build();

    [Fact]
    public void The_application_rule_files_are_included_and_the_charts_are_left_out()
    {
        var included = published.All<PrometheusRule>().Select(r => r.Metadata.Annotations[OperatorRules.SourceAnnotation]).Distinct().Order(StringComparer.Ordinal);
        // Every rule file of the repository but the two the chart covers (meta: Watchdog, TargetDown, self-monitoring;
        // kubernetes: the chart's kubernetes-* rules); of infrastructure.rules.yml only the Redis part (below).
        var files = Directory.GetFiles(RepoPaths.Combine("prometheus", "rules"), "*.rules.yml").Select(f => Path.GetFileName(f)!);
        Assert.Equal(files.Except(["meta.rules.yml", "kubernetes.rules.yml"]).Order(StringComparer.Ordinal), included);
        Assert.Contains("nexustrade-api.rules.yml", included);
        var redis = published.All<PrometheusRule>().Single(r => r.Metadata.Name == "nexustrade-redis");
        Assert.Equal(["RedisDown", "RedisMemoryHigh", "instance:redis_keyspace_hits:ratio_rate5m", "instance:redis_memory_used:ratio"],
            RuleNames(redis).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_rule_is_its_tested_files_rule_unchanged()
    {
        var problems = new List<string>();
        foreach (var rule in published.All<PrometheusRule>())
        {
            var source = OperatorRules.Files(RepoPaths.Combine("prometheus")).Single(f => f.Name == rule.Metadata.Name);
            var expected = Yaml.Serialize(OperatorRules.Groups(File.ReadAllText(RuleFile(source.File)), source.Keep));
            var actual = Yaml.Serialize(rule.Spec.Groups);
            if (expected != actual) problems.Add($"PrometheusRule {rule.Metadata.Name} differs from {source.File}:\n{FirstDifference(expected, actual)}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_prometheus_rule_passes_its_files_promtool_tests()
    {
        var work = Directory.CreateTempSubdirectory("nexustrade-operator-rules-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(work, "rules"));
            Directory.CreateDirectory(Path.Combine(work, "tests"));
            // The rule files as the PrometheusRules have them: a whole file under its name, a part under the object's.
            var written = new Dictionary<string, string>();
            foreach (var rule in published.All<PrometheusRule>())
            {
                var source = OperatorRules.Files(RepoPaths.Combine("prometheus")).Single(f => f.Name == rule.Metadata.Name);
                written[source.File] = source.Keep is null ? source.File : $"{source.Name}.rules.yml";
                await File.WriteAllTextAsync(Path.Combine(work, "rules", written[source.File]), Yaml.Serialize(new Dictionary<string, object> { ["groups"] = rule.Spec.Groups }));
            }
            var testFiles = new List<string>();
            foreach (var rule in published.All<PrometheusRule>())
            {
                var source = OperatorRules.Files(RepoPaths.Combine("prometheus")).Single(f => f.Name == rule.Metadata.Name);
                var test = Path.Combine(work, "tests", Path.ChangeExtension(written[source.File], null).Replace(".rules", ".test", StringComparison.Ordinal) + ".yml");
                await File.WriteAllTextAsync(test, TestFile(source, written, RuleNames(rule).ToHashSet()));
                testFiles.Add(test);
            }
            var (exitCode, log) = await ToolRunner.RunAsync("promtool", ["test", "rules", .. testFiles], TimeSpan.FromMinutes(3));
            output.WriteLine(log);
            Assert.True(exitCode == 0, log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The file's promtool tests against the rule files as <paramref name="written"/> from the PrometheusRules (a file
    /// it also reads must be published too); for a part of a file, only the cases whose alerts it has.
    /// </summary>
    private static string TestFile(OperatorRules.RuleFile source, IReadOnlyDictionary<string, string> written, IReadOnlySet<string> rules)
    {
        var test = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(
            File.ReadAllText(RepoPaths.Combine("prometheus", "tests", source.File.Replace(".rules.yml", ".test.yml", StringComparison.Ordinal))));
        test["rule_files"] = ((List<object>)test["rule_files"]).Cast<string>().Select(file =>
        {
            var name = Path.GetFileName(file);
            Assert.True(written.ContainsKey(name), $"{source.File}'s tests read {name}, which no PrometheusRule publishes");
            return (object)$"../rules/{written[name]}";
        }).ToList();
        if (source.Keep is not null)
        {
            test.Remove("group_eval_order");
            test["tests"] = ((List<object>)test["tests"]).Cast<Dictionary<object, object>>()
                .Where(t => t.TryGetValue("alert_rule_test", out var alerts) && ((List<object>)alerts).Cast<Dictionary<object, object>>().All(a => rules.Contains((string)a["alertname"])))
                .Cast<object>().ToList();
            Assert.NotEmpty((List<object>)test["tests"]);
        }
        return Yaml.Serialize(test);
    }

    private static IEnumerable<string> RuleNames(PrometheusRule rule) =>
        rule.Spec.Groups.Cast<IDictionary<object, object>>().SelectMany(g => ((IEnumerable<object>)g["rules"]).Cast<IDictionary<object, object>>()).Select(OperatorRules.RuleName);

    private static string RuleFile(string file) => RepoPaths.Combine("prometheus", "rules", file);

    private static string FirstDifference(string expected, string actual)
    {
        var (e, a) = (expected.Split('\n'), actual.Split('\n'));
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        return $"  line {line + 1}: file has   '{(line < e.Length ? e[line] : "")}'\n  line {line + 1}: object has '{(line < a.Length ? a[line] : "")}'";
    }
}
