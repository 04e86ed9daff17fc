using System.Net.WebSockets;

namespace NexusTrade.Tests.Stack;

/// <summary>Quote age over REST and WebSocket, vendor-to-client latency of pushes, and the cache layers, as scraped.</summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class FreshnessMetricsTests(StackFixture stack)
{
    private const string Age = "nexustrade_quote_age_seconds";

    [Fact]
    public async Task Rest_quotes_record_their_age_by_channel_provider_and_staleness_never_by_symbol()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        var symbol = "FR" + Random.Shared.Next(1000, 9999);
        (await stack.Api.GetAsync("/api/quotes/" + symbol)).EnsureSuccessStatusCode();
        (await stack.Api.GetAsync("/api/quotes/" + symbol)).EnsureSuccessStatusCode();
        var after = await MetricsScrape.TakeAsync(stack.Api);

        var rest = new[] { ("channel", "rest"), ("provider", "marketfeed-primary"), ("stale", "false") };
        Assert.Equal(before.Sum(Age + "_count", rest) + 2, after.Sum(Age + "_count", rest));
        // Both were younger than the 2 s cache TTL: the 5 s objective's bucket holds them.
        Assert.Equal(before.Sum(Age + "_bucket", [.. rest, ("le", "5")]) + 2, after.Sum(Age + "_bucket", [.. rest, ("le", "5")]));
        Assert.True(after.Sum("nexustrade_cache_lookups_total", ("cache_layer", "l1"), ("cache_result", "hit"))
            > before.Sum("nexustrade_cache_lookups_total", ("cache_layer", "l1"), ("cache_result", "hit")));
        // The first request's L1 miss read L2 (a miss, or an error when Redis is slow on a loaded machine).
        Assert.True(after.Sum("nexustrade_cache_lookups_total", ("cache_layer", "l2")) > before.Sum("nexustrade_cache_lookups_total", ("cache_layer", "l2")),
            string.Join("\n", after.Series.Where(s => s.StartsWith("nexustrade_cache_lookups_total", StringComparison.Ordinal))));
        Assert.DoesNotContain(after.Series, s => s.Contains(symbol, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pushed_quotes_record_their_age_and_the_latency_from_the_vendor_timestamp()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync("""{"action":"subscribe","symbols":["FRWS"]}""");
        await StackFixture.EventuallyAsync(async () =>
        {
            var now = await MetricsScrape.TakeAsync(stack.Api);
            return now.Sum(Age + "_count", ("channel", "websocket")) > before.Sum(Age + "_count", ("channel", "websocket"))
                && now.Sum("nexustrade_quote_delivery_latency_seconds_count", ("provider", "marketfeed-primary"))
                    > before.Sum("nexustrade_quote_delivery_latency_seconds_count", ("provider", "marketfeed-primary"));
        }, TimeSpan.FromSeconds(15), "a pushed quote's age and delivery latency are recorded");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
