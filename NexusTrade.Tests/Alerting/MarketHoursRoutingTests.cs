using System.Diagnostics;
using NexusTrade.AppHost.Infrastructure;
using NexusTrade.Tests.Alerting.Harness;
using YamlDotNet.RepresentationModel;

namespace NexusTrade.Tests.Alerting;

/// <summary>
/// Market-hours routing with the real Alertmanager: <c>amtool config routes test</c> ignores time intervals, so the
/// production route tree runs here with the exchange's intervals replaced by "always" or "never" (the calendar itself
/// is checked by <see cref="MarketHoursCalendarTests"/>). A market-data page reaches the pager in the session and the
/// tickets receiver outside it or on a holiday; infrastructure and API pages reach the pager in every case.
/// </summary>
public sealed class MarketHoursRoutingTests
{
    private static readonly Dictionary<string, string> ProviderPage = new()
    {
        ["alertname"] = "DataProviderFailing", ["severity"] = "critical", ["team"] = "trading-platform",
        ["domain"] = "market-data", ["job"] = "api", ["provider"] = "marketfeed-primary",
    };

    private static readonly Dictionary<string, string> ApiPage = new()
    {
        ["alertname"] = "ApiAvailabilityErrorBudgetBurn", ["severity"] = "critical", ["team"] = "trading-platform",
        ["job"] = "api", ["slo"] = "availability", ["long_window"] = "1h", ["short_window"] = "5m",
    };

    private static readonly Dictionary<string, string> InfrastructurePage = new()
    {
        ["alertname"] = "RedisDown", ["severity"] = "critical", ["team"] = "sre", ["job"] = "redis-exporter",
    };

    [Fact]
    public Task In_the_session_a_market_data_alert_pages() =>
        RouteAsync(session: true, holiday: false, pagerGetsMarketData: true);

    [Fact]
    public Task Outside_the_session_a_market_data_alert_opens_a_ticket_and_infrastructure_still_pages() =>
        RouteAsync(session: false, holiday: false, pagerGetsMarketData: false);

    [Fact]
    public Task On_a_holiday_in_session_hours_a_market_data_alert_opens_a_ticket() =>
        RouteAsync(session: true, holiday: true, pagerGetsMarketData: false);

    private static async Task RouteAsync(bool session, bool holiday, bool pagerGetsMarketData)
    {
        using var sink = new WebhookSink();
        var intervals = new Dictionary<string, YamlSequenceNode>
        {
            [MarketHoursProfile.Session] = session ? MarketHoursProfile.Always() : MarketHoursProfile.Never(),
            [MarketHoursProfile.Closed] = session ? MarketHoursProfile.Never() : MarketHoursProfile.Always(),
            [MarketHoursProfile.Holidays] = holiday ? MarketHoursProfile.Always() : MarketHoursProfile.Never(),
        };
        await using var alertmanager = await TestAlertmanager.StartAsync(TestAlertmanager.ProductionConfigFor(sink, intervals));

        await alertmanager.PostAsync(ProviderPage, ApiPage, InfrastructurePage);

        var (expected, silent) = pagerGetsMarketData
            ? ("trading-platform-pager", "trading-platform-tickets")
            : ("trading-platform-tickets", "trading-platform-pager");
        var clock = Stopwatch.StartNew();
        while (!(sink.AlertNames(expected).Contains("DataProviderFailing")
                 && sink.AlertNames("trading-platform-pager").Contains("ApiAvailabilityErrorBudgetBurn")
                 && sink.AlertNames("sre-pager").Contains("RedisDown")))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"expected notifications did not all arrive; got: {sink.Summary()}");
            await Task.Delay(250);
        }

        // Both routes wait the same 1 s before notifying: a few seconds more and the muted one would have spoken.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.DoesNotContain("DataProviderFailing", sink.AlertNames(silent));
        Assert.Equal(1, sink.AlertNames(expected).Count(static n => n == "DataProviderFailing"));
        Assert.DoesNotContain("ApiAvailabilityErrorBudgetBurn", sink.AlertNames("trading-platform-tickets"));
    }
}
