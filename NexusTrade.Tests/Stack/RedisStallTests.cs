using System.Diagnostics;
using System.Net;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// A stalled Redis, not a stopped one: the stack's redis-server is frozen with SIGSTOP (its socket stays open, nothing
/// answers, as with a Redis stuck in a fork or a long command) while REST traffic and a WebSocket subscription run. The
/// API must stay up and answer quotes within its timeouts; SIGCONT (always, in finally) lets Redis resume.
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class RedisStallTests(StackFixture stack)
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_stalled_Redis_leaves_the_api_up_answering_quotes_and_pushing_updates()
    {
        var pid = StackRedisPid();
        using var traffic = new CancellationTokenSource();
        var load = QuoteTraffic.RunAsync(stack.Api, traffic.Token);
        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync("""{"action":"subscribe","symbols":["STALL"]}""");
        Assert.Equal("ack", (await socket.ReceiveJsonAsync()).GetProperty("type").GetString());

        var answers = new List<string>();
        await SignalAsync(pid, "STOP");
        try
        {
            var stalled = Stopwatch.StartNew();
            var i = 0;
            while (stalled.Elapsed < Stall)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var alive = await stack.Api.GetAsync("/alive", timeout.Token);
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
                // A symbol seen before (L1) and a new one (L1 miss, L2 stalled, provider answers).
                using var cached = await stack.Api.GetAsync("/api/quotes/STALL", timeout.Token);
                using var fresh = await stack.Api.GetAsync($"/api/quotes/SX{i++}{Random.Shared.Next(1000)}", timeout.Token);
                answers.Add($"{stalled.Elapsed.TotalSeconds:0.0}s cached={(int)cached.StatusCode} fresh={(int)fresh.StatusCode}");
                if (cached.StatusCode != HttpStatusCode.OK || fresh.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Fail($"{string.Join("; ", answers)}{Environment.NewLine}cached: {await cached.Content.ReadAsStringAsync()}" +
                                $"{Environment.NewLine}fresh: {await fresh.Content.ReadAsStringAsync()}{Environment.NewLine}{await stack.Logs.ErrorEntriesAsync("api")}");
                }
                await Task.Delay(250); // a client's pace: well under the per-client rate limit
            }

            // The broadcaster kept pushing through the stall (quotes and pongs alike come back on the socket).
            var pushed = await socket.ReceiveJsonAsync();
            Assert.Contains(pushed.GetProperty("type").GetString(), new[] { "quote", "pong" });
        }
        finally
        {
            await SignalAsync(pid, "CONT");
            await traffic.CancelAsync();
            await load;
        }

        Assert.True(answers.Count >= 3, string.Join("; ", answers));
        await StackFixture.EventuallyAsync(async () => (await stack.Api.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "healthy again after SIGCONT");
    }

    /// <summary>
    /// The redis-server this stack started: the one working in the stack's state directory (redis-server rewrites its
    /// command line to "redis-server host:port", so the config file path is not there).
    /// </summary>
    private int StackRedisPid()
    {
        var matches = Directory.EnumerateDirectories("/proc")
            .Select(static d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(static pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
                    var workingDirectory = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? "";
                    return commandLine.Contains("redis-server", StringComparison.Ordinal)
                           && workingDirectory.StartsWith(stack.StateDirectory, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            })
            .ToList();
        return Assert.Single(matches);
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        var result = await ToolRunner.RunAsync("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"kill -{signal} {pid}: {result.Output}");
    }
}
