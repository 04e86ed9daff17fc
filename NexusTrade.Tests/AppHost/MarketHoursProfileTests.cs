using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using static NexusTrade.Tests.Alerting.RuleFiles;

namespace NexusTrade.Tests.AppHost;

/// <summary>The local Alertmanager's exchange calendar (<c>NexusTrade:Alertmanager:MarketHours</c>).</summary>
public sealed class MarketHoursProfileTests
{
    [Theory]
    [InlineData(MarketHours.Open, "always", "never", "never")]
    [InlineData(MarketHours.Closed, "never", "always", "never")]
    [InlineData(MarketHours.Exchange, "calendar", "calendar", "calendar")]
    public void The_exchange_intervals_are_rewritten_and_nothing_else(MarketHours mode, string session, string closed, string holidays)
    {
        var root = (YamlMappingNode)LoadYaml(RepoPaths.Combine("prometheus", "alertmanager.yml"))!;
        var routeBefore = Get(root, "route")!.ToString();

        MarketHoursProfile.Apply(root, mode);

        var intervals = Children(Get(root, "time_intervals")).OfType<YamlMappingNode>().ToDictionary(i => Scalar(Get(i, "name"))!, i => Children(Get(i, "time_intervals")).OfType<YamlMappingNode>().ToList());
        Assert.Equal(session, Kind(intervals[MarketHoursProfile.Session]));
        Assert.Equal(closed, Kind(intervals[MarketHoursProfile.Closed]));
        Assert.Equal(holidays, Kind(intervals[MarketHoursProfile.Holidays]));
        Assert.Equal(routeBefore, Get(root, "route")!.ToString());
    }

    private static string Kind(List<YamlMappingNode> entries) => entries switch
    {
        [{ Children.Count: 0 }] => "always",
        [var only] when Scalar(Children(Get(only, "years")).FirstOrDefault()) == "1999" && only.Children.Count == 1 => "never",
        _ => "calendar",
    };
}
