using System.Text.RegularExpressions;

namespace NexusTrade.Tests.Dashboards;

/// <summary>One label matcher of a PromQL vector selector: <c>label op "value"</c>.</summary>
public sealed record LabelMatcher(string Metric, string Label, string Op, string Value)
{
    /// <summary>True for <c>=</c> and <c>=~</c>: the matcher selects by a value that has to exist.</summary>
    public bool Selects => Op is "=" or "=~";

    /// <summary>Whether an exported value satisfies the matcher (<c>=~</c> is anchored, as in PromQL).</summary>
    public bool IsSatisfiedBy(string value) =>
        Op == "=" ? value == Value : Regex.IsMatch(value, "^(?:" + Value + ")$", RegexOptions.CultureInvariant);

    public override string ToString() => $"{Metric}{{{Label}{Op}\"{Value}\"}}";
}

/// <summary>The vector selectors with braces of a PromQL expression (enough for the dashboards' queries; not a parser).</summary>
public static partial class PromQlSelectors
{
    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{(?<matchers>[^{}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex SelectorPattern();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex MatcherPattern();

    public static IEnumerable<LabelMatcher> Matchers(string expr) =>
        from selector in SelectorPattern().Matches(expr)
        from matcher in MatcherPattern().Matches(selector.Groups["matchers"].Value)
        select new LabelMatcher(selector.Groups["metric"].Value, matcher.Groups["label"].Value, matcher.Groups["op"].Value,
            Regex.Unescape(matcher.Groups["value"].Value));
}
