using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using static NexusTrade.Tests.Alerting.RuleFiles;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// The Prometheus rules in <c>prometheus/rules</c>: valid for promtool, covered by the promtool unit tests in
/// <c>prometheus/tests</c> (every alert both firing and quiet), and carrying the labels, annotations and runbook
/// that routing and the on-call engineer rely on.
/// </summary>
public sealed class PromtoolRulesTests
{
    private const string RunbookUrlPrefix = "https://github.com/nexustrade/nexustrade/blob/main/docs/runbooks/";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(1);

    // The SLO tests replay 8 hours of samples at 1-minute steps: ~20 s on a small machine.
    private static readonly TimeSpan UnitTestTimeout = TimeSpan.FromMinutes(5);

    private static readonly HashSet<string> Severities = new(StringComparer.Ordinal) { "critical", "warning", "ticket", "none" };

    /// <summary>Alerts that fire by design at every evaluation (<c>vector(1)</c>) and so cannot have a quiet case.</summary>
    private static readonly HashSet<string> AlwaysFiring = new(StringComparer.Ordinal) { "Watchdog" };

    private static string Promtool =>
        Environment.GetEnvironmentVariable("PROMTOOL") is { Length: > 0 } path ? path : "promtool";

    private static string RunbooksDirectory => Path.Combine(RepoPaths.Root, "docs", "runbooks");

    /// <summary>File names of <c>prometheus/rules/*.yml</c>.</summary>
    public static TheoryData<string> RuleFiles => FileNames(RuleFilePaths());

    /// <summary>File names of <c>prometheus/tests/*.test.yml</c>.</summary>
    public static TheoryData<string> UnitTestFiles => FileNames(UnitTestFilePaths());

    private static TheoryData<string> FileNames(IEnumerable<string> paths) => new(paths.Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public async Task Promtool_check_rules_accepts_the_rule_file(string fileName)
    {
        var result = await ToolRunner.RunAsync(Promtool, ["check", "rules", Path.Combine(RulesDirectory, fileName)], CheckTimeout);

        AssertSucceeded(result, $"promtool check rules prometheus/rules/{fileName}");
    }

    [Theory]
    [MemberData(nameof(UnitTestFiles))]
    public async Task Promtool_unit_tests_pass(string fileName)
    {
        var result = await ToolRunner.RunAsync(Promtool, ["test", "rules", Path.Combine(UnitTestsDirectory, fileName)], UnitTestTimeout);

        AssertSucceeded(result, $"promtool test rules prometheus/tests/{fileName}");
    }

    [Fact]
    public void Rule_and_unit_test_files_exist()
    {
        Assert.NotEmpty(RuleFilePaths());
        Assert.NotEmpty(UnitTestFilePaths());
        Assert.NotEmpty(LoadAlertRules());
    }

    [Fact]
    public void Every_alert_has_severity_team_summary_description_and_an_existing_runbook()
    {
        var problems = new List<string>();
        foreach (var alert in LoadAlertRules())
        {
            var location = alert.ToString();

            var severity = alert.Labels.GetValueOrDefault("severity");
            if (severity is null || !Severities.Contains(severity))
            {
                problems.Add($"{location}: label severity is '{severity ?? "(missing)"}', expected one of {string.Join(", ", Severities)}");
            }

            if (string.IsNullOrWhiteSpace(alert.Labels.GetValueOrDefault("team")))
            {
                problems.Add($"{location}: label team is missing");
            }

            foreach (var annotation in new[] { "summary", "description", "runbook_url" })
            {
                if (string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault(annotation)))
                {
                    problems.Add($"{location}: annotation {annotation} is missing");
                }
            }

            var runbookUrl = alert.Annotations.GetValueOrDefault("runbook_url");
            var expectedUrl = RunbookUrlPrefix + alert.Name + ".md";
            if (runbookUrl is not null && !string.Equals(runbookUrl, expectedUrl, StringComparison.Ordinal))
            {
                problems.Add($"{location}: runbook_url is '{runbookUrl}', expected '{expectedUrl}'");
            }

            var runbookFile = Path.Combine(RunbooksDirectory, alert.Name + ".md");
            if (!File.Exists(runbookFile))
            {
                problems.Add($"{location}: runbook docs/runbooks/{alert.Name}.md does not exist");
            }
        }

        FailIfAny(problems, "alert rule metadata");
    }

    [Fact]
    public void Every_alert_has_a_firing_and_a_quiet_promtool_test_case()
    {
        var alertNames = LoadAlertRules().Select(static a => a.Name).ToHashSet(StringComparer.Ordinal);
        var cases = LoadAlertTestCases();
        var firing = cases.Where(static c => c.Fires).Select(static c => c.AlertName).ToHashSet(StringComparer.Ordinal);
        var quiet = cases.Where(static c => !c.Fires).Select(static c => c.AlertName).ToHashSet(StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var name in alertNames.Order(StringComparer.Ordinal))
        {
            if (!firing.Contains(name))
            {
                problems.Add($"{name}: no alert_rule_test case in prometheus/tests/*.test.yml where it fires (non-empty exp_alerts)");
            }

            if (!quiet.Contains(name) && !AlwaysFiring.Contains(name))
            {
                problems.Add($"{name}: no alert_rule_test case in prometheus/tests/*.test.yml where it stays quiet (exp_alerts: [] or missing)");
            }
        }

        // A misspelled alertname in a test would pass silently with an empty exp_alerts.
        foreach (var testCase in cases.Where(c => !alertNames.Contains(c.AlertName)))
        {
            problems.Add($"{testCase.File}: alert_rule_test for '{testCase.AlertName}', which no rule defines");
        }

        foreach (var name in AlwaysFiring.Where(n => !alertNames.Contains(n)))
        {
            problems.Add($"{name} is exempted from quiet cases but no rule defines it");
        }

        FailIfAny(problems, "promtool test coverage");
    }

    private static void AssertSucceeded((int ExitCode, string Output) result, string command)
    {
        if (result.ExitCode != 0)
        {
            Assert.Fail($"'{command}' exited with {result.ExitCode}:{Environment.NewLine}{result.Output}");
        }
    }

    private static void FailIfAny(List<string> problems, string context)
    {
        if (problems.Count > 0)
        {
            Assert.Fail($"{context}: {problems.Count} problem(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
        }
    }

    private sealed record AlertTestCase(string File, string AlertName, bool Fires);

    /// <summary>Every <c>alert_rule_test</c> entry of every promtool unit test file.</summary>
    private static List<AlertTestCase> LoadAlertTestCases()
    {
        var cases = new List<AlertTestCase>();
        foreach (var path in UnitTestFilePaths())
        {
            var file = Path.GetFileName(path);
            var root = LoadYaml(path) as YamlMappingNode
                ?? throw new InvalidDataException($"{file}: the document is not a mapping");
            foreach (var test in Children(Get(root, "tests")).OfType<YamlMappingNode>())
            {
                foreach (var check in Children(Get(test, "alert_rule_test")).OfType<YamlMappingNode>())
                {
                    var alertName = Scalar(Get(check, "alertname"));
                    if (alertName is null)
                    {
                        continue;
                    }

                    // Missing, null or [] means "no alert expected"; a non-empty list means it fires.
                    var fires = Get(check, "exp_alerts") is YamlSequenceNode expected && expected.Children.Count > 0;
                    cases.Add(new AlertTestCase(file, alertName, fires));
                }
            }
        }
        return cases;
    }
}
