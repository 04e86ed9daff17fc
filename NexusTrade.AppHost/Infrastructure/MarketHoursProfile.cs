using YamlDotNet.RepresentationModel;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// The exchange calendar the local Alertmanager uses for market-data alerts (configuration key
/// <c>NexusTrade:Alertmanager:MarketHours</c>; the old <c>Alertmanager:MarketHours</c> is still read, with a warning): production pages for them in the trading session only, which would make a local
/// outage page or not depending on the hour in New York.
/// </summary>
public enum MarketHours
{
    /// <summary>Default locally: the session is always open, market-data alerts always page (as in a session).</summary>
    Open,

    /// <summary>The market is always closed: market-data alerts open tickets (e-mail in the inbox), other pages still page.</summary>
    Closed,

    /// <summary>The production calendar of <c>prometheus/alertmanager.yml</c> as it is (NYSE hours, New York time, holidays).</summary>
    Exchange,
}

/// <summary>Rewrites the <c>exchange-*</c> time intervals of the Alertmanager config for <see cref="MarketHours"/>.</summary>
public static class MarketHoursProfile
{
    public const string ConfigurationKey = AppHostSettings.MarketHoursKey;

    public const string Session = "exchange-session";
    public const string Closed = "exchange-closed";
    public const string Holidays = "exchange-holidays";

    public static void Apply(YamlMappingNode root, MarketHours mode)
    {
        if (mode == MarketHours.Exchange || !root.Children.TryGetValue(new YamlScalarNode("time_intervals"), out var node) || node is not YamlSequenceNode intervals)
        {
            return;
        }

        var open = mode == MarketHours.Open;
        foreach (var interval in intervals.OfType<YamlMappingNode>())
        {
            var name = interval.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? n.ToString() : "";
            bool? always = name switch { Session => open, Closed => !open, Holidays => false, _ => null };
            if (always is { } contains) interval.Children[new YamlScalarNode("time_intervals")] = contains ? Always() : Never();
        }
    }

    /// <summary>An entry without conditions contains every instant.</summary>
    public static YamlSequenceNode Always() => new(new YamlMappingNode());

    /// <summary>An entry for a year long past contains none.</summary>
    public static YamlSequenceNode Never() => new(new YamlMappingNode { { "years", new YamlSequenceNode(new YamlScalarNode("1999")) } });
}
