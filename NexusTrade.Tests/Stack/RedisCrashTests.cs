using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using NexusTrade.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// A crashed Redis, not a stalled (RedisStallTests) or stopped one: redis-server killed with SIGKILL under REST and
/// WebSocket load, so the API's connections are reset and nothing answers on the port until the restart.
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class RedisCrashTests(StackFixture stack, ITestOutputHelper output)
{
    /// <summary>How long Redis stays down: several reconnect attempts of the API's multiplexer.</summary>
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The contract (README, "Redis down makes answers slower, never a 500"; 503 only when no provider can serve, and
    /// both are up) allows no 5xx while Redis is gone. After the start command (Redis reloading its AOF) the cache and
    /// the stale fallback must resume: /health Healthy again and a quote fetched afterwards stored in Redis as the last
    /// known value that the stale fallback serves; the quote stream stays open throughout. The 60 s bounds are the
    /// multiplexer's reconnect backoff with room for a loaded machine; the times are measured and reported.
    /// </summary>
    [Fact]
    public async Task A_killed_Redis_costs_no_5xx_and_the_cache_resumes_after_its_restart()
    {
        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync("""{"action":"subscribe","symbols":["CRASH"]}""");
        Assert.Equal("ack", (await socket.ReceiveJsonAsync()).GetProperty("type").GetString());
        using var traffic = new CancellationTokenSource();
        var load = QuoteTraffic.RunAsync(stack.Api, traffic.Token);
        var answers = new List<string>();
        var killed = false;
        try
        {
            await stack.KillAsync("redis");
            killed = true;
            var down = Stopwatch.StartNew();
            while (down.Elapsed < Down)
            {
                // A symbol seen before (memory cache) and a new one (Redis gone, the provider answers).
                using var cached = await stack.Api.GetAsync("/api/quotes/CRASH");
                using var fresh = await stack.Api.GetAsync($"/api/quotes/CX{answers.Count}{Random.Shared.Next(1000)}");
                answers.Add($"{down.Elapsed.TotalSeconds:0.0}s cached={(int)cached.StatusCode} fresh={(int)fresh.StatusCode}");
                Assert.True((int)cached.StatusCode < 500 && (int)fresh.StatusCode < 500, string.Join("; ", answers));
                await Task.Delay(250); // a client's pace: well under the per-client rate limit
            }

            var restarted = Stopwatch.StartNew();
            await stack.StartAsync("redis");
            killed = false;
            var redisHealthy = restarted.Elapsed;
            await StackFixture.EventuallyAsync(async () => await HealthStatusAsync() == "Healthy", TimeSpan.FromSeconds(60), "the API's /health Healthy again");
            var apiHealthy = restarted.Elapsed;
            var symbol = "CR" + Random.Shared.Next(10_000, 99_999);
            await StackFixture.EventuallyAsync(async () =>
            {
                (await stack.Api.GetAsync($"/api/quotes/{symbol}")).EnsureSuccessStatusCode();
                return await stack.RedisCliAsync("EXISTS", $"nexustrade:quote:{symbol}") == "1";
            }, TimeSpan.FromSeconds(60), $"{symbol}'s last known value written to Redis");
            output.WriteLine($"Redis down {Down.TotalSeconds:0} s, {answers.Count * 2} quotes, no 5xx: {string.Join("; ", answers)}");
            output.WriteLine($"start command to Redis healthy {redisHealthy.TotalSeconds:0.0} s, API healthy {apiHealthy.TotalSeconds:0.0} s, " +
                             $"cache writing again {restarted.Elapsed.TotalSeconds:0.0} s");

            Assert.Contains((await socket.ReceiveJsonAsync()).GetProperty("type").GetString(), new[] { "quote", "pong" });
        }
        finally
        {
            if (killed) await stack.StartAsync("redis");
            await traffic.CancelAsync();
            await load;
        }
    }

    private async Task<string?> HealthStatusAsync()
    {
        using var response = await stack.Api.GetAsync("/health");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
    }
}
