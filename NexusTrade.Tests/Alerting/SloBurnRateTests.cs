using System.Globalization;
using System.Text.RegularExpressions;
using static NexusTrade.Tests.Alerting.RuleFiles;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// Every SLO burn-rate alert (<c>prometheus/rules/nexustrade-slo*.rules.yml</c>) is one of the four rows of the
/// multi-window multi-burn-rate scheme (Google SRE workbook, "Alerting on SLOs", recipe 6), and its expression uses
/// the windows its labels name and the factor of its row on both windows. The promtool boundary cases show that the
/// rows behave; this test makes a changed factor, window or "for" fail even where no scenario sits on the edge.
/// </summary>
public sealed partial class SloBurnRateTests
{
    private sealed record BurnRow(string Severity, string LongWindow, string ShortWindow, double Factor, string For);

    private static readonly BurnRow[] Scheme =
    [
        new("critical", "1h", "5m", 14.4, "2m"),
        new("critical", "6h", "30m", 6, "15m"),
        new("ticket", "1d", "2h", 3, "1h"),
        new("ticket", "3d", "6h", 1, "3h"),
    ];

    private static readonly string[] SloNames = ["availability", "latency", "freshness"];

    [GeneratedRegex(@"nexustrade:slo_errors:ratio_rate(?<window>[0-9]+[smhd])\{slo=""(?<slo>[a-z]+)""\}\s*/\s*on \(slo\) group_left \(\)\s*\(1 - nexustrade:slo_objective:ratio\{slo=""(?<objective>[a-z]+)""\}\)\s*\)\s*>\s*(?<factor>[0-9.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex BurnTermPattern();

    private static List<PrometheusRule> BurnAlerts() =>
        LoadAlertRules().Where(static r => r.File.StartsWith("nexustrade-slo", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Every_slo_has_exactly_the_four_burn_rate_rows()
    {
        var problems = new List<string>();
        var alerts = BurnAlerts();
        foreach (var slo in SloNames)
        {
            var rows = alerts.Where(a => BurnTermPattern().Matches(a.Expr).Any(m => m.Groups["slo"].Value == slo)).ToList();
            foreach (var row in Scheme)
            {
                var count = rows.Count(a => a.Labels.GetValueOrDefault("long_window") == row.LongWindow
                                            && a.Labels.GetValueOrDefault("short_window") == row.ShortWindow
                                            && a.Labels.GetValueOrDefault("severity") == row.Severity
                                            && a.For == row.For);
                if (count != 1) problems.Add($"slo {slo}: {count} alerts for row {row}, expected 1");
            }
            if (rows.Count != Scheme.Length) problems.Add($"slo {slo}: {rows.Count} burn-rate alerts, expected {Scheme.Length}");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Burn_rate_expressions_use_the_windows_of_their_labels_and_the_factor_of_their_row()
    {
        var problems = new List<string>();
        var alerts = BurnAlerts();
        Assert.NotEmpty(alerts);
        foreach (var alert in alerts)
        {
            var row = Scheme.FirstOrDefault(r => r.LongWindow == alert.Labels.GetValueOrDefault("long_window")
                                                 && r.ShortWindow == alert.Labels.GetValueOrDefault("short_window"));
            if (row is null)
            {
                problems.Add($"{alert}: windows {alert.Labels.GetValueOrDefault("long_window")}/{alert.Labels.GetValueOrDefault("short_window")} are not a row of the scheme");
                continue;
            }

            var terms = BurnTermPattern().Matches(alert.Expr).ToList();
            var windows = terms.Select(static t => t.Groups["window"].Value).ToList();
            if (!windows.SequenceEqual([row.LongWindow, row.ShortWindow]))
            {
                problems.Add($"{alert}: expression reads windows [{string.Join(", ", windows)}], labels say [{row.LongWindow}, {row.ShortWindow}]");
            }

            foreach (var term in terms)
            {
                var factor = double.Parse(term.Groups["factor"].Value, CultureInfo.InvariantCulture);
                if (Math.Abs(factor - row.Factor) > 1e-9) problems.Add($"{alert}: window {term.Groups["window"].Value} compares with {factor}, the row says {row.Factor}");
                if (term.Groups["slo"].Value != term.Groups["objective"].Value) problems.Add($"{alert}: ratio of slo {term.Groups["slo"].Value} divided by the objective of {term.Groups["objective"].Value}");
            }

            var summaryFactor = row.Factor.ToString(CultureInfo.InvariantCulture) + "x";
            if (!(alert.Annotations.GetValueOrDefault("summary") ?? "").Contains(summaryFactor, StringComparison.Ordinal))
            {
                problems.Add($"{alert}: summary does not name the factor {summaryFactor}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
