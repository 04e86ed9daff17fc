using System.Globalization;
using System.Text.RegularExpressions;

namespace NexusTrade.Tests.Stack;

/// <summary>One scrape of <c>/metrics</c>, parsed into series (name with labels) and values.</summary>
public sealed partial class MetricsScrape
{
    private readonly Dictionary<string, double> _series;

    private MetricsScrape(Dictionary<string, double> series) => _series = series;

    public int SeriesCount => _series.Count;

    public IReadOnlyCollection<string> Series => _series.Keys;

    public static async Task<MetricsScrape> TakeAsync(HttpClient api)
    {
        var text = await api.GetStringAsync("/metrics");
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var match = SampleLine().Match(line);
            if (!match.Success) continue;
            series[match.Groups["series"].Value] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return new MetricsScrape(series);
    }

    /// <summary>Sum of every series of <paramref name="name"/> whose labels include all of <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        _series.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal))
            .Where(s => labels.All(l => s.Key.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(s => s.Value);

    public bool Has(string name, params (string Label, string Value)[] labels) =>
        _series.Keys.Any(k => (k == name || k.StartsWith(name + "{", StringComparison.Ordinal))
            && labels.All(l => k.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)));

    [GeneratedRegex("^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})?) (?<value>[^ ]+)( [0-9]+)?$")]
    private static partial Regex SampleLine();
}
