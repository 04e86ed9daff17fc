using NexusTrade.Bench;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        nexustrade-bench <command> [--option value ...]
          websocket --url ws://127.0.0.1:PORT/ws/quotes --clients 1000 --symbols 20 --duration 30s [--pool 200] [--warmup 5s]
                    [--connect-concurrency 50] [--api-pid PID] [--metrics http://127.0.0.1:PORT/metrics]
          scrape    --url http://127.0.0.1:PORT/metrics --count 200 [--gap 350ms] [--traffic on|off] [--traffic-symbols 50] [--accept TYPE]
          soak      --api http://127.0.0.1:PORT --feeds URL1,URL2 --redis-pid PID --duration 10m [--api-pid PID] [--phase 45s]
                    [--warmup 60s] [--concurrency 16] [--rps 800] [--ws-clients 100] [--symbols 20]
          ceiling   --body-from http://127.0.0.1:PORT/api/quotes/AAPL --port PORT   (serves those bytes from bare Kestrel until stopped)
        Every load loop is bounded by --duration/--count and stops by itself. Targets must be on loopback.
        """);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var options = new Options(args.Skip(1));
    return args[0] switch
    {
        "websocket" => await WebSocketBench.RunAsync(options),
        "scrape" => await ScrapeBench.RunAsync(options),
        "soak" => await SoakBench.RunAsync(options),
        "ceiling" => await CeilingServer.RunAsync(options),
        _ => throw new ArgumentException($"unknown command '{args[0]}'"),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine("nexustrade-bench: " + ex.Message);
    return 2;
}
