using System.Text.RegularExpressions;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Dashboards;

/// <summary>
/// The label values <c>docs/metrics.md</c> documents per metric (<c>`label`=`a`\|`b`</c> in the labels column): the
/// values a metric can carry, including those the test traffic never produces (an error, a slow consumer).
/// </summary>
public static partial class MetricsCatalogue
{
    private static readonly Lazy<Dictionary<string, Dictionary<string, HashSet<string>>>> Documented = new(Load);

    [GeneratedRegex(@"^\|\s*`(?<metric>[a-z_:][a-z0-9_:]*)`\s*\|[^|]*\|(?<labels>(?:[^|\\]|\\\|)*)\|", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"`(?<token>[^`]+)`(?<assign>=)?", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    /// <summary>Documented values of <paramref name="label"/> on <paramref name="metric"/> (histogram suffixes ignored).</summary>
    public static IReadOnlySet<string> Values(string metric, string label)
    {
        foreach (var name in new[] { metric, Regex.Replace(metric, "_(bucket|count|sum)$", "") })
        {
            if (Documented.Value.TryGetValue(name, out var labels) && labels.TryGetValue(label, out var values)) return values;
        }
        return new HashSet<string>();
    }

    private static Dictionary<string, Dictionary<string, HashSet<string>>> Load()
    {
        var catalogue = new Dictionary<string, Dictionary<string, HashSet<string>>>(StringComparer.Ordinal);
        foreach (Match row in RowPattern().Matches(File.ReadAllText(RepoPaths.Combine("docs", "metrics.md"))))
        {
            var labels = catalogue.TryGetValue(row.Groups["metric"].Value, out var existing) ? existing : catalogue[row.Groups["metric"].Value] = new(StringComparer.Ordinal);
            foreach (var part in row.Groups["labels"].Value.Split(';'))
            {
                string? label = null;
                foreach (Match token in TokenPattern().Matches(part))
                {
                    if (label is null && token.Groups["assign"].Success) label = token.Groups["token"].Value;
                    else if (label is not null) (labels.TryGetValue(label, out var set) ? set : labels[label] = new(StringComparer.Ordinal)).Add(token.Groups["token"].Value);
                }
            }
        }
        return catalogue;
    }
}
