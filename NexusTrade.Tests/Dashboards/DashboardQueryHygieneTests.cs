using System.Text.RegularExpressions;

namespace NexusTrade.Tests.Dashboards;

/// <summary>
/// Dashboard queries say "no data" when there is none. <c>x or vector(0)</c> and <c>(x or y * 0) / y</c> turn a
/// missing series into 0, and so also a misspelled metric name or label value: the panel shows a calm 0 and the
/// "every panel returns data" check passes. A panel that should read 0 instead sets <c>fieldConfig.defaults.noValue</c>.
/// </summary>
public sealed partial class DashboardQueryHygieneTests
{
    [GeneratedRegex(@"\bor\s+(?:on\s*\([^)]*\)\s*)?vector\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex OrVectorPattern();

    // Multiplying by zero has no honest use in a panel: it only manufactures a 0 series to "or" with.
    [GeneratedRegex(@"\*\s*0(?![.0-9])|(?<![.0-9])0\s*\*", RegexOptions.CultureInvariant)]
    private static partial Regex TimesZeroPattern();

    [Fact]
    public void No_query_fills_a_missing_series_with_zero()
    {
        var offending = DashboardQueries.All()
            .Where(q => OrVectorPattern().IsMatch(q.RawExpr) || TimesZeroPattern().IsMatch(q.RawExpr))
            .Select(static q => q.ToString())
            .ToList();

        Assert.True(offending.Count == 0, "queries that hide a missing series behind a 0 (use noValue instead):" + Environment.NewLine + string.Join(Environment.NewLine, offending));
    }

    [Theory]
    [InlineData("sum(rate(x_total{a=\"b\"}[5m])) or vector(0)", true)]
    [InlineData("sum(rate(x_total[5m])) or on() vector(0)", true)]
    [InlineData("(sum(rate(x{s=~\"5..\"}[5m])) or sum(rate(x[5m])) * 0) / sum(rate(x[5m]))", true)]
    [InlineData("0 * sum(rate(x[5m]))", true)]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) * 1000", false)]
    [InlineData("max by (provider) (2 * s{state=\"open\"} + ignoring (state) s{state=\"half_open\"})", false)]
    [InlineData("sum(rate(x[5m])) * 0.5", false)]
    public void The_patterns_catch_the_zero_fill_tricks_and_nothing_else(string expr, bool caught) =>
        Assert.Equal(caught, OrVectorPattern().IsMatch(expr) || TimesZeroPattern().IsMatch(expr));
}
