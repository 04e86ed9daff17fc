using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace NexusTrade.Bench;

/// <summary>
/// <c>scrape</c>: generates traffic over many routes, methods and status codes (so the exposition carries a realistic
/// number of series), then times <c>/metrics</c> scrapes. The Prometheus exporter caches its response for 300 ms, so
/// timed scrapes are spaced by <c>--gap</c> (default 350 ms) to measure real collections, not cache hits.
/// </summary>
public static class ScrapeBench
{
    /// <summary>What Prometheus sends: OpenMetrics preferred, the classic text format as fallback.</summary>
    public const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    public static async Task<int> RunAsync(Options options)
    {
        var url = Options.Loopback(options.String("url", "http://127.0.0.1:8080/metrics"));
        var count = options.Int("count", 200);
        var gap = options.Duration("gap", TimeSpan.FromMilliseconds(350));
        var trafficSymbols = options.Int("traffic-symbols", 50);
        var skipTraffic = options.String("traffic", "on") == "off";
        var accept = options.String("accept", PrometheusAccept);
        var feeds = (options.Get("feeds") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Options.Loopback).ToArray();
        options.EnsureAllUsed();

        var api = new Uri(url.GetLeftPart(UriPartial.Authority));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (!skipTraffic)
        {
            var (requests, statuses) = await GenerateTrafficAsync(http, api, trafficSymbols, feeds);
            Console.WriteLine($"scrape: generated {requests} requests first; status codes: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"))}");
        }

        async Task<(double Ms, int Bytes, string Text)> ScrapeAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            return (ms, body.Length, System.Text.Encoding.UTF8.GetString(body));
        }

        // One untimed scrape first (connection set-up, first-collection costs).
        var first = await ScrapeAsync();
        var times = new List<double>(count);
        var last = first;
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(gap);
            last = await ScrapeAsync();
            times.Add(last.Ms);
        }
        times.Sort();
        double Pct(double q) => times[Math.Clamp((int)Math.Ceiling(q * times.Count) - 1, 0, times.Count - 1)];
        var series = Probes.SeriesCount(last.Text);
        var families = last.Text.Split('\n').Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal));

        Console.WriteLine($"  {count} scrapes spaced {gap.TotalMilliseconds:0} ms: p50 {Pct(0.5):0.00} ms, p99 {Pct(0.99):0.00} ms, max {times[^1]:0.00} ms");
        Console.WriteLine($"  size {last.Bytes} bytes, {series} series in {families} metric families (Accept: {(accept == PrometheusAccept ? "Prometheus default" : accept)})");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scrape count={count} p50_ms={Pct(0.5):0.00} p99_ms={Pct(0.99):0.00} max_ms={times[^1]:0.00} bytes={last.Bytes} series={series} families={families}"));
        return 0;
    }

    /// <summary>
    /// Requests over every route with a spread of methods and status codes (200, 400, 404, 405). With the simulators'
    /// URLs, also the failure paths a production scrape carries: provider errors, timeouts, fail-overs, an open
    /// circuit breaker and 503s (faults are injected for a few seconds each, then reset).
    /// </summary>
    public static async Task<(int Requests, Dictionary<int, int> Statuses)> GenerateTrafficAsync(HttpClient http, Uri api, int symbols, Uri[] feeds)
    {
        var statuses = new Dictionary<int, int>();
        var requests = 0;
        async Task Send(HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, new Uri(api, path));
            using var response = await http.SendAsync(request);
            lock (statuses)
            {
                requests++;
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            }
        }

        var pool = QuoteClient.SymbolPool(symbols);
        var work = new List<(HttpMethod, string)>();
        for (var round = 0; round < 3; round++)
        {
            work.AddRange(pool.Select(s => (HttpMethod.Get, $"/api/quotes/{s}")));
            work.AddRange(pool.Chunk(5).Select(c => (HttpMethod.Get, "/api/quotes?symbols=" + string.Join(',', c))));
            work.AddRange(new[]
            {
                (HttpMethod.Get, "/api/quotes/9BAD"),                                  // 400 invalid symbol
                (HttpMethod.Get, "/api/quotes/THIS-IS-WAY-TOO-LONG"),                  // 400
                (HttpMethod.Get, "/api/quotes"),                                       // 400 missing symbols
                (HttpMethod.Get, "/api/quotes?symbols=" + string.Join(',', QuoteClient.SymbolPool(30))), // 400 too many
                (HttpMethod.Get, "/ws/quotes"),                                        // 400 not a WebSocket
                (HttpMethod.Get, "/nope"), (HttpMethod.Get, "/api/nothing/here"),      // 404 no route
                (HttpMethod.Post, "/api/quotes/AAPL"), (HttpMethod.Put, "/api/quotes/AAPL"), (HttpMethod.Delete, "/api/quotes/AAPL"), // 405
                (HttpMethod.Post, "/api/quotes"), (HttpMethod.Patch, "/health"),      // 405
                (HttpMethod.Head, "/api/quotes/AAPL"), (HttpMethod.Options, "/api/quotes/AAPL"),
                (HttpMethod.Get, "/health"), (HttpMethod.Get, "/alive"), (HttpMethod.Get, "/metrics"),
            });
        }
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (w, _) => await Send(w.Item1, w.Item2));

        if (feeds.Length > 0)
        {
            async Task Faults(object primary, object secondary)
            {
                for (var i = 0; i < feeds.Length; i++)
                {
                    using var content = new StringContent(System.Text.Json.JsonSerializer.Serialize(i == 0 ? primary : secondary), System.Text.Encoding.UTF8, "application/json");
                    using var response = await http.PutAsync(new Uri(feeds[i], "/faults"), content);
                    response.EnsureSuccessStatusCode();
                }
            }
            var healthy = new { errorRate = 0.0, latencyMs = 0, outage = false };
            var steps = new (string Name, object Primary, object Secondary)[]
            {
                ("fresh", new { errorRate = 0.5, latencyMs = 0, outage = false }, healthy),       // retries, some fail-overs
                ("slow", new { errorRate = 0.0, latencyMs = 1200, outage = false }, healthy),     // attempt timeouts, fail-overs
                ("gone", new { errorRate = 0.0, latencyMs = 0, outage = true }, new { errorRate = 0.0, latencyMs = 0, outage = true }), // 503s, breakers open
            };
            try
            {
                foreach (var step in steps)
                {
                    await Faults(step.Primary, step.Secondary);
                    // Symbols never asked before, so that nothing is cached and the providers are called.
                    var fresh = Enumerable.Range(0, 12).Select(i => $"{step.Name.ToUpperInvariant()}{i}").ToArray();
                    await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (s, _) =>
                    {
                        await Send(HttpMethod.Get, "/api/quotes/" + s);
                        await Send(HttpMethod.Get, "/api/quotes?symbols=" + s + "X," + s + "Y");
                    });
                }
            }
            finally
            {
                await Faults(healthy, healthy);
            }
        }

        // A few WebSocket sessions so the websocket series exist too (subscribe, ping, a bad message, a normal close).
        for (var i = 0; i < 3; i++)
        {
            using var ws = new ClientWebSocket();
            var wsUri = new UriBuilder(api) { Scheme = "ws", Path = "/ws/quotes" }.Uri;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ws.ConnectAsync(wsUri, timeout.Token);
            await ws.SendAsync("""{"action":"subscribe","symbols":["SYM000","SYM001"]}"""u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
            await ws.SendAsync("""{"action":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
            await ws.SendAsync(i == 2 ? """{"action":"dance"}"""u8.ToArray() : """{"action":"unsubscribe","symbols":["SYM001"]}"""u8.ToArray(),
                WebSocketMessageType.Text, true, timeout.Token);
            await Task.Delay(300, timeout.Token);
            if (ws.State == WebSocketState.Open) await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            requests++;
        }
        return (requests, statuses);
    }
}
