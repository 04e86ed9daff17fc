using NexusTrade.Tests.Alerting.Harness;
using static NexusTrade.Tests.Alerting.RuleFiles;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// The exchange calendar of <c>prometheus/alertmanager.yml</c> (time_intervals exchange-session, exchange-closed,
/// exchange-holidays) at fixed instants: NYSE hours in New York time across daylight saving, the closed interval the
/// exact complement of the session, holidays on weekdays and listed for the current year.
/// </summary>
public sealed class MarketHoursCalendarTests
{
    private const string Session = "exchange-session";
    private const string Closed = "exchange-closed";
    private const string Holidays = "exchange-holidays";

    private static readonly TimeIntervalCalendar Calendar = TimeIntervalCalendar.FromProductionConfig();

    [Theory]
    // Winter (EST, UTC-5): the session is 14:30-21:00 UTC.
    [InlineData("2026-12-01T14:30:00Z", true)]
    [InlineData("2026-12-01T14:29:00Z", false)]
    [InlineData("2026-12-01T20:59:00Z", true)]
    [InlineData("2026-12-01T21:00:00Z", false)]
    // Summer (EDT, UTC-4), the Monday after the switch: 13:30-20:00 UTC.
    [InlineData("2026-03-09T13:30:00Z", true)]
    [InlineData("2026-03-09T13:29:00Z", false)]
    [InlineData("2026-03-09T20:00:00Z", false)]
    // Saturday noon in New York, and Friday 23:00 in New York = Saturday 04:00 UTC.
    [InlineData("2026-12-05T17:00:00Z", false)]
    [InlineData("2026-12-05T04:00:00Z", false)]
    public void The_session_is_nyse_regular_hours_in_new_york_time(string instant, bool open)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(open, Calendar.Contains(Session, at));
        Assert.Equal(!open, Calendar.Contains(Closed, at));
    }

    [Theory]
    [InlineData("2026-12-25T15:00:00Z", true)]   // Christmas, 10:00 in New York
    [InlineData("2026-11-26T18:00:00Z", true)]   // Thanksgiving
    [InlineData("2026-04-03T15:00:00Z", true)]   // Good Friday
    [InlineData("2026-12-26T04:30:00Z", true)]   // still Christmas (23:30) in New York, already the 26th in UTC
    [InlineData("2026-12-24T15:00:00Z", false)]  // Christmas Eve 2026 is a (short) session
    [InlineData("2026-12-01T15:00:00Z", false)]
    public void Holidays_are_whole_days_in_new_york_time(string instant, bool holiday) =>
        Assert.Equal(holiday, Calendar.Contains(Holidays, DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Were they to overlap, a market-data alert would page and ticket at once; a gap, and it would notify nobody.</summary>
    [Fact]
    public void Session_and_closed_cover_every_minute_of_two_years_exactly_once()
    {
        var problems = new List<string>();
        for (var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); at.Year < 2028 && problems.Count < 10; at = at.AddMinutes(15))
        {
            if (Calendar.Contains(Session, at) == Calendar.Contains(Closed, at)) problems.Add($"{at:u}: session={Calendar.Contains(Session, at)}, closed={Calendar.Contains(Closed, at)}");
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_holiday_is_a_weekday_and_the_current_year_has_holidays()
    {
        var problems = new List<string>();
        var years = new HashSet<int>();
        foreach (var entry in Calendar.Entries(Holidays))
        {
            var year = int.Parse(Scalar(Children(Get(entry, "years")).Single())!, System.Globalization.CultureInfo.InvariantCulture);
            years.Add(year);
            foreach (var day in Children(Get(entry, "days_of_month")).Select(Scalar).OfType<string>().Select(static d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)))
            {
                var date = new DateOnly(year, MonthNumber(Scalar(Children(Get(entry, "months")).Single())!), day);
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) problems.Add($"{date:yyyy-MM-dd} is a {date.DayOfWeek}: the exchange is closed anyway; list the observed weekday");
            }
        }
        if (!years.Contains(DateTime.UtcNow.Year)) problems.Add($"no holidays listed for {DateTime.UtcNow.Year}: add the exchange's calendar to time_intervals {Holidays}");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static int MonthNumber(string name) =>
        DateTime.ParseExact(name, "MMMM", System.Globalization.CultureInfo.InvariantCulture).Month;
}
