namespace NexusTrade.Tests.Dashboards;

/// <summary>The selector extraction the live label-value check relies on, and the catalogue of documented values.</summary>
public sealed class PromQlSelectorsTests
{
    [Fact]
    public void Matchers_are_read_from_every_selector_with_their_operator()
    {
        var matchers = PromQlSelectors.Matchers(
            "sum by (le) (rate(x_bucket{job=~\"api\", code!~\"5..\", le=\"0.25\"}[5m])) / sum(rate(x_count{job=\"api\"}[5m]))").ToList();

        Assert.Equal(["x_bucket{job=~\"api\"}", "x_bucket{code!~\"5..\"}", "x_bucket{le=\"0.25\"}", "x_count{job=\"api\"}"], matchers.Select(static m => m.ToString()));
        Assert.True(matchers[0].IsSatisfiedBy("api"));
        Assert.False(matchers[0].IsSatisfiedBy("api-2"));
        Assert.False(matchers[1].Selects);
    }

    [Fact]
    public void Documented_values_come_from_docs_metrics_md()
    {
        Assert.Contains("error", MetricsCatalogue.Values("nexustrade_cache_lookups_total", "cache_result"));
        Assert.Contains("queue_full", MetricsCatalogue.Values("nexustrade_websocket_messages_dropped_total", "reason"));
        Assert.Contains("websocket", MetricsCatalogue.Values("nexustrade_quote_age_seconds_bucket", "channel"));
        Assert.DoesNotContain("erorr", MetricsCatalogue.Values("nexustrade_cache_lookups_total", "cache_result"));
    }
}
