using System.Diagnostics;
using System.Globalization;

namespace NexusTrade.Bench;

/// <summary>
/// <c>websocket</c>: N clients x M symbols against <c>/ws/quotes</c>; delivered quote messages per second, delivery lag
/// (receive time minus the server's <c>publishedAt</c>), and the API's memory per connection.
/// </summary>
public static class WebSocketBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var url = Options.Loopback(options.String("url", "ws://127.0.0.1:8080/ws/quotes"));
        var clients = options.Int("clients", 1000);
        var perClient = options.Int("symbols", 20);
        var poolSize = options.Int("pool", 200);
        var duration = options.Duration("duration", TimeSpan.FromSeconds(30));
        var warmup = options.Duration("warmup", TimeSpan.FromSeconds(5));
        var connectConcurrency = options.Int("connect-concurrency", 50);
        var apiPid = options.Get("api-pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : (int?)null;
        var metricsUrl = Options.Loopback(options.String("metrics", $"http://{url.Host}:{url.Port}/metrics")).ToString();
        options.EnsureAllUsed();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var pool = QuoteClient.SymbolPool(poolSize);
        var stats = new StreamStats();

        Console.WriteLine($"websocket: {clients} clients x {perClient} symbols from a pool of {poolSize}, window {duration.TotalSeconds:0}s after {warmup.TotalSeconds:0}s warm-up, {url}");
        var rss0 = Probes.RssBytes(apiPid);
        var heap0 = Probes.Sum(await Probes.TryGetTextAsync(http, metricsUrl) ?? "", "dotnet_gc_last_collection_heap_size_bytes");

        // Connect with bounded concurrency; every client subscribes as soon as it is connected.
        var all = Enumerable.Range(0, clients).Select(i => new QuoteClient(url, QuoteClient.Pick(pool, perClient, seed: i), stats)).ToArray();
        var connected = new List<QuoteClient>(clients);
        var failures = 0;
        var gate = new SemaphoreSlim(connectConcurrency);
        var connectClock = Stopwatch.StartNew();
        await Task.WhenAll(all.Select(async client =>
        {
            await gate.WaitAsync();
            try
            {
                await client.ConnectAndSubscribeAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
                lock (connected) connected.Add(client);
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref failures) <= 3) Console.WriteLine($"  connect failed: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));
        Console.WriteLine($"  connected {connected.Count}/{clients} in {connectClock.Elapsed.TotalSeconds:0.0}s ({failures} failed)");

        var ackDeadline = Stopwatch.StartNew();
        while (connected.Any(c => !c.Acked) && ackDeadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        // A client whose upgrade was accepted only to be closed at the cap (1013) never gets an ack: it does not count as served.
        var subscribed = connected.Count(c => c.Acked);
        Console.WriteLine($"  subscribed: {subscribed} acks");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rss1 = Probes.RssBytes(apiPid);
        var heap1 = Probes.Sum(await Probes.TryGetTextAsync(http, metricsUrl) ?? "", "dotnet_gc_last_collection_heap_size_bytes");

        await Task.Delay(warmup);

        // Measurement window, with a per-second timeline.
        long Total() => connected.Sum(c => c.Quotes);
        var disconnectsBefore = Interlocked.Read(ref stats.Disconnects);
        var start = Total();
        stats.Lag.Reset();
        var allocated0 = Probes.Sum(await Probes.TryGetTextAsync(http, metricsUrl) ?? "", "dotnet_gc_heap_total_allocated_bytes_total");
        var apiCpu0 = Probes.CpuTime(apiPid);
        var ownCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        stats.Measuring = true;
        var clock = Stopwatch.StartNew();
        var last = start;
        var perSecond = new List<long>();
        while (clock.Elapsed < duration)
        {
            var next = TimeSpan.FromSeconds(perSecond.Count + 1);
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var now = Total();
            perSecond.Add(now - last);
            last = now;
        }
        stats.Measuring = false;
        var elapsed = clock.Elapsed.TotalSeconds;
        var delivered = Total() - start;
        var apiCpu = Probes.CpuTime(apiPid) - apiCpu0;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpu0;
        double? apiCpuPerMsgUs = apiCpu is { } c && delivered > 0 ? c.TotalMicroseconds / delivered : null;
        var allocated1 = Probes.Sum(await Probes.TryGetTextAsync(http, metricsUrl) ?? "", "dotnet_gc_heap_total_allocated_bytes_total");
        double? allocPerMsg = allocated0 is { } al0 && allocated1 is { } al1 && delivered > 0 ? (al1 - al0) / delivered : null;
        var rss2 = Probes.RssBytes(apiPid);
        var disconnectsDuring = Interlocked.Read(ref stats.Disconnects) - disconnectsBefore;

        var rate = delivered / elapsed;
        var p50 = stats.Lag.Percentile(0.50);
        var p99 = stats.Lag.Percentile(0.99);
        double? rssPerConn = rss0 is { } a && rss1 is { } b && subscribed > 0 ? (b - a) / (double)subscribed : null;
        double? heapPerConn = heap0 is { } h0 && heap1 is { } h1 && subscribed > 0 ? (h1 - h0) / subscribed : null;

        Console.WriteLine($"  per second: {string.Join(' ', perSecond)}");
        Console.WriteLine($"  delivered {delivered} quote messages in {elapsed:0.0}s = {rate:0} msgs/s");
        Console.WriteLine($"  lag p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {stats.Lag.MaxMs:0.0} ms ({stats.Lag.Count} samples, {stats.ParseFailures} unparsed)");
        Console.WriteLine($"  API VmRSS: before connect {Probes.Mb(rss0)}, after connect+subscribe {Probes.Mb(rss1)}, end of window {Probes.Mb(rss2)}");
        Console.WriteLine($"  memory per connection: VmRSS delta {(rssPerConn is { } r ? (r / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB" : "n/a")}" +
            $", GC heap delta {(heapPerConn is { } hp ? (hp / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB" : "n/a")}");
        Console.WriteLine($"  CPU during window: API {(apiCpu is { } ac ? (ac.TotalSeconds / elapsed).ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} cores" +
            $" ({apiCpuPerMsgUs?.ToString("0.0", CultureInfo.InvariantCulture) ?? "n/a"} us and {allocPerMsg?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"} allocated bytes per delivered message), bench client {ownCpu.TotalSeconds / elapsed:0.00} cores" +
            $"; machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"  server errors {stats.Errors}, disconnects during window {disconnectsDuring}");

        var closeClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 100 }, async (c, _) => await c.DisposeAsync());
        Console.WriteLine($"  closed all clients in {closeClock.Elapsed.TotalSeconds:0.0}s");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT websocket clients={subscribed} msgs_per_s={rate:0} lag_p50_ms={p50:0.0} lag_p99_ms={p99:0.0} lag_max_ms={stats.Lag.MaxMs:0.0} " +
            $"rss_per_conn_kib={(rssPerConn ?? double.NaN) / 1024:0.0} heap_per_conn_kib={(heapPerConn ?? double.NaN) / 1024:0.0} " +
            $"rss_before_mib={(rss0 ?? 0) / 1048576.0:0.0} rss_after_mib={(rss1 ?? 0) / 1048576.0:0.0} disconnects={disconnectsDuring} connect_failures={failures} " +
            $"api_cpu_cores={(apiCpu?.TotalSeconds ?? double.NaN) / elapsed:0.00} api_cpu_us_per_msg={apiCpuPerMsgUs ?? double.NaN:0.0} api_alloc_bytes_per_msg={allocPerMsg ?? double.NaN:0} client_cpu_cores={ownCpu.TotalSeconds / elapsed:0.00}"));
        return subscribed == clients ? 0 : 1;
    }
}
