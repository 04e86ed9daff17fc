using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace NexusTrade.Bench;

/// <summary>
/// <c>soak</c>: mixed REST load (closed loop, bounded concurrency, rate-capped) plus WebSocket clients, while faults
/// cycle through the providers (outage, 50 % errors, 2 s latency) and Redis (SIGSTOP/SIGCONT of its PID). Reports
/// status classes overall and per phase, WebSocket messages, the API's working set over time, and what is still open
/// after the clients have gone.
/// </summary>
public static class SoakBench
{
    private sealed record Phase(string Name, object? Primary, object? Secondary, bool RedisStopped);

    private static readonly object Healthy = new { errorRate = 0.0, latencyMs = 0, outage = false };
    private static readonly object Outage = new { errorRate = 0.0, latencyMs = 0, outage = true };
    private static readonly object HalfErrors = new { errorRate = 0.5, latencyMs = 0, outage = false };
    private static readonly object Slow = new { errorRate = 0.0, latencyMs = 2000, outage = false };

    private static readonly Phase[] Cycle =
    [
        new("baseline", Healthy, Healthy, false),
        new("primary outage", Outage, Healthy, false),
        new("both 50% errors", HalfErrors, HalfErrors, false),
        new("both 2 s latency", Slow, Slow, false),
        new("redis SIGSTOP", Healthy, Healthy, true),
        new("both outage", Outage, Outage, false),
    ];

    private sealed class Counts
    {
        public long Ok, Client4xx, Unavailable503, Other5xx, Failed, Requests;

        public void Add(int? status)
        {
            Interlocked.Increment(ref Requests);
            switch (status)
            {
                case null: Interlocked.Increment(ref Failed); break;
                case >= 200 and < 300: Interlocked.Increment(ref Ok); break;
                case >= 400 and < 500: Interlocked.Increment(ref Client4xx); break;
                case 503: Interlocked.Increment(ref Unavailable503); break;
                default: Interlocked.Increment(ref Other5xx); break;
            }
        }

        public override string ToString() =>
            $"requests {Requests}: 2xx {Ok}, 4xx {Client4xx}, 503 {Unavailable503}, other 5xx {Other5xx}, transport failures {Failed}";
    }

    public static async Task<int> RunAsync(Options options)
    {
        var api = Options.Loopback(options.Required("api"));
        var feeds = options.Required("feeds").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Options.Loopback).ToArray();
        var redisPid = options.Get("redis-pid") is { } rp ? int.Parse(rp, CultureInfo.InvariantCulture) : (int?)null;
        var apiPid = options.Get("api-pid") is { } ap ? int.Parse(ap, CultureInfo.InvariantCulture) : (int?)null;
        var duration = options.Duration("duration", TimeSpan.FromMinutes(10));
        var phaseLength = options.Duration("phase", TimeSpan.FromSeconds(45));
        var warmup = options.Duration("warmup", TimeSpan.FromSeconds(60));
        var concurrency = options.Int("concurrency", 16);
        var rps = options.Double("rps", 800);
        var wsClients = options.Int("ws-clients", 100);
        var wsSymbols = options.Int("symbols", 20);
        options.EnsureAllUsed();
        if (feeds.Length == 0) throw new ArgumentException("--feeds needs at least one URL");

        var metricsUrl = new Uri(api, "/metrics").ToString();
        var wsUrl = new UriBuilder(api) { Scheme = "ws", Path = "/ws/quotes" }.Uri;
        Console.WriteLine($"soak: {duration.TotalMinutes:0.#} min, phases of {phaseLength.TotalSeconds:0} s, REST {concurrency} workers capped at {rps:0} req/s, " +
            $"{wsClients} WebSocket clients x {wsSymbols} symbols, feeds {string.Join(' ', feeds.Select(f => f.ToString()))}, redis pid {redisPid?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}");

        using var control = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // Scrapes use a client of their own that closes its connection, so that it does not count as a leftover.
        using var fresh = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
        fresh.DefaultRequestHeaders.ConnectionClose = true;
        async Task<double?> GcHeapAsync() =>
            Probes.Sum(await Probes.TryGetTextAsync(fresh, metricsUrl) ?? "", "dotnet_gc_last_collection_heap_size_bytes");
        var rssStart = Probes.RssBytes(apiPid);
        var total = new Counts();
        var phaseCounts = new Counts();
        var phaseLog = new List<string>();
        var rssTimeline = new List<(double At, long? Rss, double? Heap)>();
        var stats = new StreamStats();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);

        // REST: a mix of cached quotes, batches, new symbols (designed 503 when every provider is down), bad requests, health.
        var hot = QuoteClient.SymbolPool(50);
        var rare = Enumerable.Range(0, 2000).Select(i => "RARE" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var rareNext = 0;
        string NextPath(Random r)
        {
            var roll = r.Next(100);
            return roll switch
            {
                < 70 => "/api/quotes/" + hot[r.Next(hot.Length)],
                < 85 => "/api/quotes?symbols=" + string.Join(',', Enumerable.Range(0, 5).Select(_ => hot[r.Next(hot.Length)]).Distinct()),
                < 90 => "/api/quotes/" + rare[Interlocked.Increment(ref rareNext) % rare.Length],
                < 95 => "/api/quotes/1NVALID",
                < 97 => "/no/such/route",
                _ => "/health",
            };
        }

        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        var load = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15), BaseAddress = api };
        var interval = TimeSpan.FromSeconds(concurrency / rps);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var next = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                int? status = null;
                try
                {
                    using var response = await load.GetAsync(NextPath(random), HttpCompletionOption.ResponseContentRead, stop.Token);
                    status = (int)response.StatusCode;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
                total.Add(status);
                Volatile.Read(ref phaseCounts).Add(status);
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    try { await Task.Delay(wait, stop.Token); } catch (OperationCanceledException) { break; }
                }
                else if (-wait > TimeSpan.FromSeconds(1))
                {
                    next = Stopwatch.GetTimestamp(); // behind by more than a second (slow phase): do not burst to catch up
                }
            }
        })).ToArray();

        // WebSocket clients: reconnect (after 1 s) when the server drops them; each client is one loop.
        var reconnects = 0L;
        var live = new List<QuoteClient>();
        long closedQuotes = 0;
        var streamers = Enumerable.Range(0, wsClients).Select(i => Task.Run(async () =>
        {
            await Task.Delay(i * 10);
            var symbols = QuoteClient.Pick(hot, wsSymbols, seed: i);
            var first = true;
            while (!stop.IsCancellationRequested)
            {
                var client = new QuoteClient(wsUrl, symbols, stats);
                lock (live) live.Add(client);
                try
                {
                    if (!first) Interlocked.Increment(ref reconnects);
                    first = false;
                    await client.ConnectAndSubscribeAsync(TimeSpan.FromSeconds(10), stop.Token);
                    await client.Receiving.WaitAsync(stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or HttpRequestException)
                {
                }
                if (stop.IsCancellationRequested) break;
                lock (live) live.Remove(client);
                Interlocked.Add(ref closedQuotes, client.Quotes);
                await client.DisposeAsync();
                try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { break; }
            }
        })).ToArray();

        // Faults: one phase after another until the end; Redis is always resumed and the feeds reset afterwards.
        long? rssWarm = null;
        double? heapWarm = null;
        var apiExited = false;
        var phaseIndex = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var phase = Cycle[phaseIndex % Cycle.Length];
                phaseIndex++;
                var phaseStart = clock.Elapsed;
                await ApplyAsync(control, feeds, phase, redisPid);
                var phaseEnd = phaseStart + phaseLength;
                while (clock.Elapsed < phaseEnd && !stop.IsCancellationRequested)
                {
                    try { await Task.Delay(TimeSpan.FromSeconds(5), stop.Token); } catch (OperationCanceledException) { }
                    var rss = Probes.RssBytes(apiPid);
                    if (apiPid is not null && rss is null)
                    {
                        Console.WriteLine($"  API process {apiPid} has exited at {clock.Elapsed.TotalSeconds:0}s: stopping the soak");
                        apiExited = true;
                        await stop.CancelAsync();
                        break;
                    }
                    var heap = await GcHeapAsync();
                    rssTimeline.Add((clock.Elapsed.TotalSeconds, rss, heap));
                    if (rssWarm is null && clock.Elapsed >= warmup) (rssWarm, heapWarm) = (rss, heap);
                }
                var counts = Interlocked.Exchange(ref phaseCounts, new Counts());
                var line = $"  [{phaseStart.TotalSeconds,4:0}s-{clock.Elapsed.TotalSeconds,4:0}s] {phase.Name,-17} {counts}";
                phaseLog.Add(line);
                Console.WriteLine(line);
            }
        }
        finally
        {
            await ApplyAsync(control, feeds, Cycle[0], redisPid);
        }
        var rssEnd = Probes.RssBytes(apiPid);
        var heapEnd = await GcHeapAsync();

        await Task.WhenAll(workers);
        await Task.WhenAll(streamers);
        long wsQuotes;
        lock (live) wsQuotes = closedQuotes + live.Sum(c => c.Quotes);
        var before = (await Probes.TryGetTextAsync(fresh, metricsUrl)) ?? "";
        var openDuringLoad = Probes.Sum(before, "nexustrade_websocket_connections");

        // Close everything the bench opened, then look at what the API still holds.
        QuoteClient[] toClose;
        lock (live) toClose = live.ToArray();
        await Parallel.ForEachAsync(toClose, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (c, _) => await c.DisposeAsync());
        load.Dispose();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromMilliseconds(400)); // past the exporter's 300 ms response cache
        var after = (await Probes.TryGetTextAsync(fresh, metricsUrl)) ?? "";
        var wsOpen = Probes.Sum(after, "nexustrade_websocket_connections");
        var wsSubs = Probes.Sum(after, "nexustrade_websocket_subscriptions");
        var kestrelOpen = Probes.Sum(after, "kestrel_active_connections");
        var activeRequests = Probes.Sum(after, "http_server_active_requests");
        var rssAfterClose = Probes.RssBytes(apiPid);
        var health = await Probes.TryGetTextAsync(fresh, new Uri(api, "/health").ToString());

        var growthFromWarm = rssWarm is { } w && rssEnd is { } e ? (e - w) * 100.0 / w : double.NaN;
        var growthFromStart = rssStart is { } s0 && rssEnd is { } e2 ? (e2 - s0) * 100.0 / s0 : double.NaN;
        var rssMax = rssTimeline.Count > 0 ? rssTimeline.Max(t => t.Rss ?? 0) : 0;
        // Settling: growth over the last 10 minutes of load (or the second half of a shorter soak), first sample at or after the mark.
        var tailFrom = clock.Elapsed.TotalSeconds - Math.Min(600, clock.Elapsed.TotalSeconds / 2);
        var rssTail = rssTimeline.FirstOrDefault(t => t.At >= tailFrom && t.Rss is not null).Rss;
        var growthTail = rssTail is { } t0 && rssEnd is { } e3 ? (e3 - t0) * 100.0 / t0 : double.NaN;
        if (rssTimeline.Count == 0) rssTimeline.Add((0, null, null));
        Console.WriteLine($"soak done after {clock.Elapsed.TotalMinutes:0.0} min, {phaseIndex} phases{(apiExited ? " (CUT SHORT: the API process exited)" : "")}");
        Console.WriteLine($"  REST {total}");
        Console.WriteLine($"  WebSocket: {wsQuotes} quote messages, {reconnects} reconnects, {stats.Errors} server error messages, {openDuringLoad} open at the end of load");
        Console.WriteLine($"  API VmRSS: start {Probes.Mb(rssStart)}, after {warmup.TotalSeconds:0}s warm-up {Probes.Mb(rssWarm)}, max {Probes.Mb(rssMax)}, end {Probes.Mb(rssEnd)}, after clients closed {Probes.Mb(rssAfterClose)}");
        Console.WriteLine($"  growth end vs warm-up {growthFromWarm:0.0}%, end vs start {growthFromStart:0.0}%, last {(clock.Elapsed.TotalSeconds - tailFrom) / 60:0.#} min {growthTail:0.0}% ({Probes.Mb(rssTail)} -> {Probes.Mb(rssEnd)})");
        var heapGrowth = heapWarm is { } hw && heapEnd is { } he ? (he - hw) * 100.0 / hw : double.NaN;
        Console.WriteLine($"  managed heap after the last GC (dotnet_gc_last_collection_heap_size_bytes): after warm-up {Probes.Mb((long?)heapWarm)}, " +
            $"max {Probes.Mb((long)rssTimeline.Max(t => t.Heap ?? 0))}, end {Probes.Mb((long?)heapEnd)} ({heapGrowth:0.0}%)");
        Console.WriteLine($"  timeline (s:VmRSS MiB/heap MiB): {string.Join(' ', rssTimeline.Where((_, i) => i % 6 == 0).Select(t => $"{t.At:0}:{(t.Rss ?? 0) / 1048576.0:0}/{(t.Heap ?? 0) / 1048576.0:0}"))}");
        Console.WriteLine($"  after clients closed: nexustrade_websocket_connections {wsOpen}, nexustrade_websocket_subscriptions {wsSubs}, " +
            $"kestrel_active_connections {kestrelOpen} (includes this scrape's own connection), http_server_active_requests {activeRequests}");
        Console.WriteLine($"  /health: {health ?? "no answer"}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT soak minutes={clock.Elapsed.TotalMinutes:0.0} requests={total.Requests} s2xx={total.Ok} s4xx={total.Client4xx} s503={total.Unavailable503} " +
            $"other5xx={total.Other5xx} failed={total.Failed} ws_msgs={wsQuotes} ws_reconnects={reconnects} rss_start_mib={(rssStart ?? 0) / 1048576.0:0.0} " +
            $"rss_warm_mib={(rssWarm ?? 0) / 1048576.0:0.0} rss_end_mib={(rssEnd ?? 0) / 1048576.0:0.0} growth_pct={growthFromWarm:0.0} growth_last10m_pct={growthTail:0.0} heap_warm_mib={(heapWarm ?? 0) / 1048576.0:0.0} heap_end_mib={(heapEnd ?? 0) / 1048576.0:0.0} " +
            $"ws_open_after={wsOpen} ws_subscriptions_after={wsSubs} kestrel_open_after={kestrelOpen} api_exited={apiExited}"));
        return !apiExited && total.Other5xx == 0 && growthTail < 3 && wsOpen == 0 && wsSubs == 0 ? 0 : 1;
    }

    private static async Task ApplyAsync(HttpClient control, Uri[] feeds, Phase phase, int? redisPid)
    {
        for (var i = 0; i < feeds.Length; i++)
        {
            var settings = i == 0 ? phase.Primary : phase.Secondary;
            try
            {
                using var response = await control.PutAsync(new Uri(feeds[i], "/faults"),
                    new StringContent(System.Text.Json.JsonSerializer.Serialize(settings), Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.OK) Console.WriteLine($"  fault control of {feeds[i]} answered {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Console.WriteLine($"  fault control of {feeds[i]} failed: {ex.Message}");
            }
        }
        if (redisPid is { } pid) Probes.Signal(pid, phase.RedisStopped ? Probes.SIGSTOP : Probes.SIGCONT);
    }
}
