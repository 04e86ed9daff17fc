using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// Every path of the monitoring plan, exercised on the real stack, asserted on the scraped <c>/metrics</c> text:
/// the series exists with the expected labels and moves the expected way.
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class MetricsTests(StackFixture stack)
{
    private const string Lookups = "nexustrade_cache_lookups_total";
    private const string ProviderCalls = "nexustrade_provider_request_duration_seconds_count";
    private const string LookupDurations = "nexustrade_cache_lookup_duration_seconds_count";

    [Fact]
    public async Task Cache_hits_and_misses_are_counted()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        var symbol = "C" + Random.Shared.Next(1000, 9999);
        (await stack.Api.GetAsync("/api/quotes/" + symbol)).EnsureSuccessStatusCode();
        (await stack.Api.GetAsync("/api/quotes/" + symbol)).EnsureSuccessStatusCode();
        var after = await MetricsScrape.TakeAsync(stack.Api);

        Assert.True(after.Sum(Lookups, ("cache_name", "quotes"), ("cache_result", "miss")) > before.Sum(Lookups, ("cache_result", "miss")));
        Assert.True(after.Sum(Lookups, ("cache_name", "quotes"), ("cache_result", "hit")) > before.Sum(Lookups, ("cache_result", "hit")));
        // The first request's Redis read is timed; L1 reads are counted, not timed (NexusTradeMetrics.CacheLookup).
        Assert.True(after.Sum(LookupDurations, ("cache_layer", "l2")) >= before.Sum(LookupDurations, ("cache_layer", "l2")) + 1);
        Assert.False(after.Has(LookupDurations, ("cache_layer", "l1")));
        Assert.True(after.Sum("nexustrade_quotes_served_total", ("source", "cache")) > before.Sum("nexustrade_quotes_served_total", ("source", "cache")));
        Assert.True(after.Has("http_server_request_duration_seconds_bucket", ("http_route", "/api/quotes/{symbol}"), ("http_response_status_code", "200")));
    }

    [Fact]
    public async Task Redis_down_counts_cache_errors_degrades_health_and_recovers_by_itself()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        await stack.StopAsync("redis");
        try
        {
            await StackFixture.EventuallyAsync(async () =>
                (await stack.Api.GetStringAsync("/health")).Contains("\"redis\":{\"status\":\"Degraded\""),
                TimeSpan.FromSeconds(30), "/health reports Redis as Degraded");

            // Quotes keep coming, from the providers, and the failed cache reads are counted.
            for (var i = 0; i < 5; i++)
            {
                using var response = await stack.Api.GetAsync($"/api/quotes/RD{i}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("\"fromCache\":false", await response.Content.ReadAsStringAsync());
            }
            var during = await MetricsScrape.TakeAsync(stack.Api);
            Assert.True(during.Sum(Lookups, ("cache_result", "error")) >= before.Sum(Lookups, ("cache_result", "error")) + 5);
        }
        finally
        {
            await stack.StartAsync("redis");
        }

        // The multiplexer reconnects on its own: the cache serves hits again and health is back.
        await StackFixture.EventuallyAsync(async () => (await stack.Api.GetStringAsync("/health")).Contains("\"status\":\"Healthy\""),
            TimeSpan.FromSeconds(60), "/health Healthy again after Redis restarted");
        var symbol = "RC" + Random.Shared.Next(100, 999);
        await StackFixture.EventuallyAsync(async () =>
        {
            using var _ = await stack.Api.GetAsync("/api/quotes/" + symbol);
            using var cached = await stack.Api.GetAsync("/api/quotes/" + symbol);
            return (await cached.Content.ReadAsStringAsync()).Contains("\"fromCache\":true");
        }, TimeSpan.FromSeconds(30), "quotes cached again");
        // The L1 (memory) serves hits even without Redis: that Redis itself answers again shows as L2 reads without errors.
        var recovered = await MetricsScrape.TakeAsync(stack.Api);
        (await stack.Api.GetAsync("/api/quotes/RL" + Random.Shared.Next(100, 999))).EnsureSuccessStatusCode();
        var read = await MetricsScrape.TakeAsync(stack.Api);
        Assert.True(read.Sum(Lookups, ("cache_layer", "l2"), ("cache_result", "miss")) > recovered.Sum(Lookups, ("cache_layer", "l2"), ("cache_result", "miss")),
            "an L1 miss reads Redis (L2) again, without an error");
    }

    [Fact]
    public async Task Provider_errors_and_timeouts_open_the_breaker_which_closes_again()
    {
        // From a healthy chain whose breaker remembers no failure: an earlier fault test may have left the primary's
        // breaker half-open, or failures in its sampling window (MarketData:SamplingDuration, 10 s) that would open it
        // during the first request's retries, before any error outcome is counted.
        await stack.WaitForPrimaryProviderAsync();
        await Task.Delay(TimeSpan.FromSeconds(11));
        var before = await MetricsScrape.TakeAsync(stack.Api);
        try
        {
            await stack.SetFaultsAsync("marketfeed-primary", new { errorRate = 1.0 });
            // Failing calls until the breaker opens (MinimumThroughput = 5 failed attempts, retries included, in its window).
            var requests = 0;
            await StackFixture.EventuallyAsync(async () =>
            {
                for (var i = 0; i < 4; i++, requests++) (await stack.Api.GetAsync($"/api/quotes/E{Random.Shared.Next(100_000)}")).EnsureSuccessStatusCode();
                return (await MetricsScrape.TakeAsync(stack.Api)).Sum("nexustrade_circuit_breaker_state", ("provider", "marketfeed-primary"), ("state", "open")) == 1;
            }, TimeSpan.FromSeconds(30), () => $"the breaker of marketfeed-primary open after {requests} failing requests");
            Assert.True(requests <= 16, $"the breaker opened only after {requests} failing requests");
            var open = await MetricsScrape.TakeAsync(stack.Api);
            Assert.True(open.Sum(ProviderCalls, ("provider", "marketfeed-primary"), ("outcome", "error")) > before.Sum(ProviderCalls, ("provider", "marketfeed-primary"), ("outcome", "error")));
            Assert.Equal(1, open.Sum("nexustrade_circuit_breaker_state", ("provider", "marketfeed-primary"), ("state", "open")));
            Assert.Equal(0, open.Sum("nexustrade_circuit_breaker_state", ("provider", "marketfeed-primary"), ("state", "closed")));
            Assert.True(open.Sum("nexustrade_circuit_breaker_transitions_total", ("provider", "marketfeed-primary"), ("state", "open"))
                > before.Sum("nexustrade_circuit_breaker_transitions_total", ("provider", "marketfeed-primary"), ("state", "open")));
            Assert.True(open.Sum(ProviderCalls, ("provider", "marketfeed-primary"), ("outcome", "circuit_open")) > 0);
            Assert.True(open.Sum(ProviderCalls, ("provider", "marketfeed-secondary"), ("outcome", "success")) > before.Sum(ProviderCalls, ("provider", "marketfeed-secondary"), ("outcome", "success")));

            // A slow vendor: the attempt timeout (800 ms) fires before its 3 s answer.
            await stack.SetFaultsAsync("marketfeed-secondary", new { latencyMs = 3000 });
            (await stack.Api.GetAsync($"/api/quotes/TO{Random.Shared.Next(100_000)}")).Dispose();
            var slow = await MetricsScrape.TakeAsync(stack.Api);
            Assert.True(slow.Sum(ProviderCalls, ("provider", "marketfeed-secondary"), ("outcome", "timeout")) > before.Sum(ProviderCalls, ("provider", "marketfeed-secondary"), ("outcome", "timeout")));
        }
        finally
        {
            await stack.ResetFaultsAsync();
        }

        await stack.WaitForPrimaryProviderAsync();
        var closed = await MetricsScrape.TakeAsync(stack.Api);
        Assert.Equal(1, closed.Sum("nexustrade_circuit_breaker_state", ("provider", "marketfeed-primary"), ("state", "closed")));
        Assert.True(closed.Sum("nexustrade_circuit_breaker_transitions_total", ("provider", "marketfeed-primary"), ("state", "half_open")) > 0);
        Assert.True(closed.Sum("nexustrade_circuit_breaker_transitions_total", ("provider", "marketfeed-primary"), ("state", "closed"))
            > before.Sum("nexustrade_circuit_breaker_transitions_total", ("provider", "marketfeed-primary"), ("state", "closed")));
    }

    [Fact]
    public async Task WebSocket_connections_messages_and_subscriptions_are_counted()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(stack.QuoteStreamUri, CancellationToken.None);
        await socket.SendAsync("""{"action":"subscribe","symbols":["AAPL","MSFT","GOOG"]}"""u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[8192];
        await socket.ReceiveAsync(buffer, CancellationToken.None);

        var open = await MetricsScrape.TakeAsync(stack.Api);
        Assert.Equal(before.Sum("nexustrade_websocket_connections") + 1, open.Sum("nexustrade_websocket_connections"));
        Assert.Equal(before.Sum("nexustrade_websocket_subscriptions") + 3, open.Sum("nexustrade_websocket_subscriptions"));
        Assert.True(open.Sum("nexustrade_websocket_messages_total", ("direction", "received"), ("message_type", "subscribe"))
            > before.Sum("nexustrade_websocket_messages_total", ("direction", "received"), ("message_type", "subscribe")));
        Assert.True(open.Sum("nexustrade_websocket_messages_total", ("direction", "sent"), ("message_type", "ack"))
            > before.Sum("nexustrade_websocket_messages_total", ("direction", "sent"), ("message_type", "ack")));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await StackFixture.EventuallyAsync(async () =>
        {
            var closed = await MetricsScrape.TakeAsync(stack.Api);
            return closed.Sum("nexustrade_websocket_connections") == before.Sum("nexustrade_websocket_connections")
                && closed.Sum("nexustrade_websocket_subscriptions") == before.Sum("nexustrade_websocket_subscriptions")
                && closed.Sum("nexustrade_websocket_disconnects_total", ("reason", "normal")) > before.Sum("nexustrade_websocket_disconnects_total", ("reason", "normal"))
                && closed.Sum("nexustrade_websocket_connection_duration_seconds_count") > before.Sum("nexustrade_websocket_connection_duration_seconds_count");
        }, TimeSpan.FromSeconds(10), "connection, subscriptions and duration recorded after close");
    }

    [Fact]
    public async Task A_client_that_never_reads_is_disconnected_as_a_slow_consumer()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(stack.QuoteStreamUri, CancellationToken.None);
        // Pings without ever reading the pongs: once the TCP buffers are full the replies pile up on the server,
        // which must cut the client off rather than hold them.
        var ping = """{"action":"ping"}"""u8.ToArray();
        using var flood = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (client.State == WebSocketState.Open)
            {
                await client.SendAsync(ping, System.Net.WebSockets.WebSocketMessageType.Text, true, flood.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }

        await StackFixture.EventuallyAsync(async () =>
        {
            var now = await MetricsScrape.TakeAsync(stack.Api);
            return now.Sum("nexustrade_websocket_disconnects_total", ("reason", "slow_consumer")) > before.Sum("nexustrade_websocket_disconnects_total", ("reason", "slow_consumer"))
                && now.Sum("nexustrade_websocket_messages_dropped_total", ("reason", "queue_full")) > before.Sum("nexustrade_websocket_messages_dropped_total", ("reason", "queue_full"))
                && now.Sum("nexustrade_websocket_connections") == before.Sum("nexustrade_websocket_connections");
        }, TimeSpan.FromSeconds(30), "the client disconnected as slow_consumer, its queued replies dropped");
    }

    [Fact]
    public async Task The_scheduling_lag_probe_and_runtime_metrics_are_exported()
    {
        var scrape = await MetricsScrape.TakeAsync(stack.Api);
        Assert.True(scrape.Sum("nexustrade_runtime_scheduling_lag_seconds_count") > 0);
        Assert.True(scrape.Has("nexustrade_runtime_scheduling_lag_seconds_bucket", ("le", "0.01")));
        Assert.True(scrape.Sum("dotnet_process_memory_working_set_bytes") > 10_000_000);
        Assert.True(scrape.Has("dotnet_gc_heap_total_allocated_bytes_total"));
        Assert.True(scrape.Has("dotnet_monitor_lock_contentions_total"));
        Assert.True(scrape.Has("dotnet_process_cpu_time_seconds_total", ("cpu_mode", "user")));
        Assert.True(scrape.Has("http_server_active_requests"));
        Assert.True(scrape.Has("kestrel_active_connections"));
        Assert.True(scrape.Has("http_client_request_duration_seconds_bucket"));
    }

    [Fact]
    public async Task Thousands_of_distinct_bad_paths_and_symbols_add_no_series()
    {
        // Warm up every kind of request once so that its series exist, then repeat each kind with distinct values.
        await SendEachKindAsync(0, 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = await MetricsScrape.TakeAsync(stack.Api);
        await SendEachKindAsync(1, 400);
        var after = await MetricsScrape.TakeAsync(stack.Api);

        // Families whose labels could be fed by a request. (Connection-level series such as
        // http_client_connection_duration appear when a pooled connection first closes, whatever the requests.)
        static bool RequestLabelled(string series) =>
            series.StartsWith("http_server_", StringComparison.Ordinal) || series.StartsWith("nexustrade_", StringComparison.Ordinal)
            || series.StartsWith("aspnetcore_", StringComparison.Ordinal);
        var added = after.Series.Where(RequestLabelled).Except(before.Series).ToList();
        Assert.True(after.Series.Count(RequestLabelled) > 50, "the request-labelled families are there");
        Assert.True(added.Count == 0, "new series: " + string.Join("\n", added.Take(20)));
        Assert.DoesNotContain(after.Series, s => s.Contains("ZZ0") || s.Contains("no-such-"));
    }

    /// <summary>Five kinds of request (bad symbol, unknown path, valid but new symbol, bad batch, wrong method), paced under the rate limit.</summary>
    private async Task SendEachKindAsync(int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            using var badSymbol = await stack.Api.GetAsync($"/api/quotes/ZZ{i}!x");
            using var unknown = await stack.Api.GetAsync($"/no-such-{i}/path");
            using var fresh = await stack.Api.GetAsync($"/api/quotes/ZZ0{i}");
            using var badBatch = await stack.Api.GetAsync($"/api/quotes?symbols=ZZ{i},<{i}>");
            using var wrongMethod = await stack.Api.DeleteAsync($"/api/quotes/ZZ0{i}");
            await Task.Delay(60);
        }
    }

}
