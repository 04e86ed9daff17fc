using System.Globalization;
using NexusTrade.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using static NexusTrade.Tests.Alerting.RuleFiles;

namespace NexusTrade.Tests.Alerting.Harness;

/// <summary>
/// The <c>time_intervals</c> of <c>prometheus/alertmanager.yml</c>, evaluated at a given instant with Alertmanager's
/// rules: an interval contains an instant when one of its entries does; an entry when every field it sets matches
/// (weekdays, [start, end) times, days_of_month, months, years), all read in its <c>location</c>.
/// </summary>
public sealed class TimeIntervalCalendar
{
    private static readonly string[] WeekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    private static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private readonly Dictionary<string, List<YamlMappingNode>> _intervals;

    private TimeIntervalCalendar(Dictionary<string, List<YamlMappingNode>> intervals) => _intervals = intervals;

    public IReadOnlyCollection<string> Names => _intervals.Keys;

    public static TimeIntervalCalendar FromProductionConfig()
    {
        var root = (YamlMappingNode)LoadYaml(RepoPaths.Combine("prometheus", "alertmanager.yml"))!;
        var intervals = Children(Get(root, "time_intervals")).OfType<YamlMappingNode>().ToDictionary(
            static i => Scalar(Get(i, "name"))!,
            static i => Children(Get(i, "time_intervals")).OfType<YamlMappingNode>().ToList(),
            StringComparer.Ordinal);
        return new TimeIntervalCalendar(intervals);
    }

    public IReadOnlyList<YamlMappingNode> Entries(string name) => _intervals[name];

    public bool Contains(string name, DateTimeOffset instant) => _intervals[name].Any(entry => EntryContains(entry, instant));

    public static DateTime LocalTime(YamlMappingNode entry, DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(Scalar(Get(entry, "location")) ?? "UTC")).DateTime;

    private static bool EntryContains(YamlMappingNode entry, DateTimeOffset instant)
    {
        var local = LocalTime(entry, instant);
        if (Get(entry, "weekdays") is { } weekdays && !InRanges(weekdays, (int)local.DayOfWeek, WeekdayNames, 0)) return false;
        if (Get(entry, "days_of_month") is { } days && !InRanges(days, local.Day, null, 0)) return false;
        if (Get(entry, "months") is { } months && !InRanges(months, local.Month, MonthNames, 1)) return false;
        if (Get(entry, "years") is { } years && !InRanges(years, local.Year, null, 0)) return false;
        if (Get(entry, "times") is YamlSequenceNode times)
        {
            var minute = (int)local.TimeOfDay.TotalMinutes;
            return times.OfType<YamlMappingNode>().Any(t => Minutes(Scalar(Get(t, "start_time"))!) <= minute && minute < Minutes(Scalar(Get(t, "end_time"))!));
        }
        return true;
    }

    /// <summary>"monday:friday", "saturday", "1:5", "2026": inclusive ranges of names or numbers.</summary>
    private static bool InRanges(YamlNode ranges, int value, string[]? names, int firstIndex)
    {
        foreach (var range in Children(ranges).Select(Scalar).OfType<string>())
        {
            var bounds = range.Split(':');
            if (Value(bounds[0]) <= value && value <= Value(bounds[^1])) return true;
        }
        return false;

        int Value(string text) => names is not null && Array.IndexOf(names, text.ToLowerInvariant()) is var index and >= 0
            ? index + firstIndex
            : int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static int Minutes(string hhmm) => int.Parse(hhmm[..2], CultureInfo.InvariantCulture) * 60 + int.Parse(hhmm[3..], CultureInfo.InvariantCulture);
}
