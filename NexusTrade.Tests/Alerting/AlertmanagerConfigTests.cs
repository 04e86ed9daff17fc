using System.Text.RegularExpressions;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// <c>prometheus/alertmanager.yml</c> and its templates: accepted by amtool, routed as
/// <c>prometheus/tests/alertmanager-routes.tsv</c> says, and secrets read from files only.
/// </summary>
public sealed class AlertmanagerConfigTests
{
    private const string ProductionRoot = "/etc/alertmanager/";
    private const string SecretsPrefix = ProductionRoot + "secrets/";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(1);

    private static readonly Regex SecretPathPattern = new(
        Regex.Escape(SecretsPrefix) + @"[A-Za-z0-9._-]+",
        RegexOptions.CultureInvariant);

    // Keys that would put a secret inline in the config.
    private static readonly Regex InlineSecretPattern = new(
        @"^\s*(?:-\s*)?(?:slack_api_url|api_url|routing_key|service_key|smtp_auth_password|auth_password|smtp_auth_secret|auth_secret)\s*:",
        RegexOptions.CultureInvariant | RegexOptions.Multiline);

    private static string Amtool =>
        Environment.GetEnvironmentVariable("AMTOOL") is { Length: > 0 } path ? path : "amtool";

    private static string ConfigPath => Path.Combine(RepoPaths.Root, "prometheus", "alertmanager.yml");

    private static string TemplatesDirectory => Path.Combine(RepoPaths.Root, "prometheus", "templates");

    private static string RoutesPath => Path.Combine(RepoPaths.Root, "prometheus", "tests", "alertmanager-routes.tsv");

    /// <summary>One case per data line of alertmanager-routes.tsv: name, expected receivers, labels.</summary>
    public static TheoryData<string, string, string> RouteCases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var routeCase in LoadRouteCases())
            {
                data.Add(routeCase.Name, routeCase.ExpectedReceivers, routeCase.Labels);
            }
            return data;
        }
    }

    [Fact]
    public async Task Amtool_check_config_accepts_the_production_file()
    {
        var result = await ToolRunner.RunAsync(Amtool, ["check-config", ConfigPath], ToolTimeout);

        AssertSucceeded(result, "amtool check-config prometheus/alertmanager.yml");
    }

    /// <summary>
    /// Templates are only parsed when the glob matches files, so check a copy whose /etc/alertmanager/ paths point at a
    /// temporary directory holding the templates and dummy secret files.
    /// </summary>
    [Fact]
    public async Task Amtool_check_config_accepts_a_copy_with_templates_and_secret_files_in_place()
    {
        var directory = Directory.CreateTempSubdirectory("nexustrade-alertmanager-");
        try
        {
            var root = directory.FullName.TrimEnd(Path.DirectorySeparatorChar) + "/";
            var production = await File.ReadAllTextAsync(ConfigPath);

            var secrets = Directory.CreateDirectory(Path.Combine(root, "secrets"));
            foreach (var secretPath in SecretPathPattern.Matches(production).Select(static m => m.Value).Distinct(StringComparer.Ordinal))
            {
                var name = secretPath[SecretsPrefix.Length..];
                var dummy = name.Contains("url", StringComparison.OrdinalIgnoreCase)
                    ? "https://alerts.example.invalid/dummy"
                    : "dummy-secret-for-amtool-check";
                await File.WriteAllTextAsync(Path.Combine(secrets.FullName, name), dummy);
            }

            var templates = Directory.CreateDirectory(Path.Combine(root, "templates"));
            var templateFiles = Directory.GetFiles(TemplatesDirectory, "*.tmpl");
            Assert.NotEmpty(templateFiles);
            foreach (var template in templateFiles)
            {
                File.Copy(template, Path.Combine(templates.FullName, Path.GetFileName(template)));
            }

            var copy = Path.Combine(root, "alertmanager.yml");
            await File.WriteAllTextAsync(copy, production.Replace(ProductionRoot, root, StringComparison.Ordinal));

            var result = await ToolRunner.RunAsync(Amtool, ["check-config", copy], ToolTimeout);

            AssertSucceeded(result, $"amtool check-config {copy} (templates and secrets in place)");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(RouteCases))]
    public async Task Amtool_routes_the_alert_to_the_expected_receivers(string name, string expectedReceivers, string labels)
    {
        var args = new List<string>
        {
            "config", "routes", "test",
            $"--config.file={ConfigPath}",
            $"--verify.receivers={expectedReceivers}",
        };
        args.AddRange(SplitLabels(labels));

        var result = await ToolRunner.RunAsync(Amtool, args, ToolTimeout);

        AssertSucceeded(result, $"routing case '{name}': amtool {string.Join(' ', args)}");
    }

    /// <summary>Guards the test above: amtool must fail when the expected receiver is wrong.</summary>
    [Fact]
    public async Task Amtool_route_verification_fails_for_a_wrong_receiver()
    {
        var result = await ToolRunner.RunAsync(
            Amtool,
            ["config", "routes", "test", $"--config.file={ConfigPath}", "--verify.receivers=no-such-receiver", "alertname=ApiHighErrorRate", "severity=critical", "team=trading-platform"],
            ToolTimeout);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void Routing_cases_exercise_every_receiver()
    {
        var cases = LoadRouteCases();
        Assert.NotEmpty(cases);

        var receivers = ReceiverNames();
        Assert.NotEmpty(receivers);

        var expected = cases
            .SelectMany(static c => c.ExpectedReceivers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);

        var problems = receivers.Where(r => !expected.Contains(r)).Select(static r => $"receiver '{r}' is not the expected receiver of any case").ToList();
        problems.AddRange(expected.Where(r => !receivers.Contains(r)).Select(static r => $"case expects receiver '{r}', which alertmanager.yml does not define"));

        var duplicateNames = cases.GroupBy(static c => c.Name, StringComparer.Ordinal).Where(static g => g.Count() > 1).Select(static g => g.Key);
        problems.AddRange(duplicateNames.Select(static n => $"case name '{n}' is used more than once"));

        if (problems.Count > 0)
        {
            Assert.Fail($"alertmanager-routes.tsv:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
        }
    }

    [Fact]
    public async Task Secrets_are_read_from_files_under_etc_alertmanager_secrets_only()
    {
        var text = await File.ReadAllTextAsync(ConfigPath);

        var inline = InlineSecretPattern.Matches(text).Select(static m => m.Value.Trim()).ToList();
        if (inline.Count > 0)
        {
            Assert.Fail($"alertmanager.yml has inline secrets: {string.Join(", ", inline)}");
        }

        var fileKeys = Regex.Matches(text, @"^\s*(?:-\s*)?(?<key>[a-z_]+_file)\s*:\s*(?<path>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        Assert.NotEmpty(fileKeys);
        foreach (Match key in fileKeys)
        {
            Assert.StartsWith(SecretsPrefix, key.Groups["path"].Value, StringComparison.Ordinal);
        }

        Assert.Contains("slack_api_url_file: " + SecretsPrefix + "slack-webhook-url", text, StringComparison.Ordinal);
        Assert.Contains("routing_key_file: " + SecretsPrefix + "pagerduty-routing-key", text, StringComparison.Ordinal);
        Assert.Contains("smtp_auth_password_file: " + SecretsPrefix + "smtp-password", text, StringComparison.Ordinal);
    }

    private static void AssertSucceeded((int ExitCode, string Output) result, string command)
    {
        if (result.ExitCode != 0)
        {
            Assert.Fail($"'{command}' exited with {result.ExitCode}:{Environment.NewLine}{result.Output}");
        }
    }

    private static string[] SplitLabels(string labels) =>
        labels.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed record RouteCase(string Name, string ExpectedReceivers, string Labels);

    /// <summary>Data lines of the TSV: name TAB expected receivers TAB labels; # comments and blank lines skipped.</summary>
    private static List<RouteCase> LoadRouteCases()
    {
        var cases = new List<RouteCase>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(RoutesPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 3 || columns.Any(static c => string.IsNullOrWhiteSpace(c)))
            {
                throw new InvalidDataException(
                    $"alertmanager-routes.tsv line {lineNumber}: expected 3 non-empty TAB-separated columns (name, receivers, labels), got '{line}'");
            }

            cases.Add(new RouteCase(columns[0].Trim(), columns[1].Trim(), columns[2].Trim()));
        }
        return cases;
    }

    /// <summary>The names of the receivers defined in alertmanager.yml.</summary>
    private static HashSet<string> ReceiverNames()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(ConfigPath))
        {
            stream.Load(reader);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return names;
        }

        foreach (var entry in root.Children)
        {
            if (entry.Key is not YamlScalarNode { Value: "receivers" } || entry.Value is not YamlSequenceNode receivers)
            {
                continue;
            }

            foreach (var receiver in receivers.Children.OfType<YamlMappingNode>())
            {
                foreach (var field in receiver.Children)
                {
                    if (field.Key is YamlScalarNode { Value: "name" } && field.Value is YamlScalarNode { Value: { Length: > 0 } name })
                    {
                        names.Add(name);
                    }
                }
            }
        }
        return names;
    }
}
