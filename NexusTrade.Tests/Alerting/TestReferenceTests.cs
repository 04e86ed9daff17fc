using System.Text.RegularExpressions;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// The rules, configuration files and runbooks name the tests that prove them ("…Tests", "Tests/Stack/…Tests.cs"): each
/// named test class must exist, so that a renamed or moved test does not leave a comment pointing nowhere.
/// </summary>
public sealed partial class TestReferenceTests
{
    [GeneratedRegex(@"\b(?<name>[A-Z][A-Za-z]+Tests)\b", RegexOptions.CultureInvariant)]
    private static partial Regex TestClassPattern();

    [GeneratedRegex(@"\bclass\s+(?<name>[A-Z][A-Za-z]+Tests)\b", RegexOptions.CultureInvariant)]
    private static partial Regex TestClassDeclaration();

    [Fact]
    public void Every_test_named_by_a_rule_config_or_runbook_exists()
    {
        var testClasses = Directory.EnumerateFiles(RepoPaths.Combine("NexusTrade.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => TestClassDeclaration().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(RepoPaths.Combine("prometheus"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(RepoPaths.Combine("docs"), "*.md", SearchOption.AllDirectories));

        var references = sources.SelectMany(file => TestClassPattern().Matches(File.ReadAllText(file))
            .Select(m => (File: Path.GetRelativePath(RepoPaths.Root, file), Name: m.Groups["name"].Value))).ToList();

        Assert.Contains(references, r => r.Name == "ScrapeJobGuardTests");
        var missing = references.Where(r => !testClasses.Contains(r.Name!)).Select(r => $"{r.File}: {r.Name}").Distinct().ToList();
        Assert.True(missing.Count == 0, "named tests that do not exist:\n" + string.Join("\n", missing));
    }
}
