using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using NexusTrade.Tests.Infrastructure;

namespace NexusTrade.Tests.Stack;

/// <summary>
/// The bad-input corpus (Corpus/*.tsv and the WebSocket cases below) against the running API, over raw sockets so
/// that malformed requests reach the server exactly as written. Each gets a clear answer and the API stays up.
/// </summary>
[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed partial class BadInputCorpusTests(StackFixture stack)
{
    public static IEnumerable<object[]> HttpCases() =>
        File.ReadAllLines(RepoPaths.Combine("NexusTrade.Tests", "Stack", "Corpus", "http-bad-input.tsv"))
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('\t'))
            .Select(cols => new object[] { cols[0], cols[1], int.Parse(cols[2]), cols[3] == "problem" });

    [Theory]
    [MemberData(nameof(HttpCases))]
    public async Task Bad_http_input_gets_a_clear_answer(string name, string request, int expectedStatus, bool problemJson)
    {
        var (status, headers, body) = await SendRawAsync(Expand(request));
        Assert.True(expectedStatus == status, $"{name}: expected {expectedStatus}, got {status}\n{headers}\n{body}");
        if (problemJson) Assert.Contains("application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        using var alive = await stack.Api.GetAsync("/alive");
        Assert.True(alive.IsSuccessStatusCode, $"the API is alive after '{name}'");
    }

    [Fact]
    public async Task Ten_thousand_symbols_in_one_subscribe_close_with_1009()
    {
        using var socket = await stack.ConnectAsync();
        var symbols = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"S{i}\""));
        await socket.SendTextAsync("{\"action\":\"subscribe\",\"symbols\":[" + symbols + "]}");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await socket.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_subscribe_unsubscribe_storm_is_answered_and_leaves_nothing_behind()
    {
        var before = await MetricsScrape.TakeAsync(stack.Api);
        using var socket = await stack.ConnectAsync();
        var reader = DrainAsync(socket);
        for (var i = 0; i < 1_000; i++)
        {
            await socket.SendTextAsync($"{{\"action\":\"subscribe\",\"symbols\":[\"ST{i % 40}\",\"SU{i % 7}\"]}}");
            await socket.SendTextAsync($"{{\"action\":\"unsubscribe\",\"symbols\":[\"ST{i % 40}\",\"SU{i % 7}\"]}}");
        }
        await socket.SendTextAsync("{\"action\":\"ping\"}");
        Assert.True(socket.State == WebSocketState.Open, $"still open after the storm, not {socket.State} {socket.CloseStatus} {socket.CloseStatusDescription}");
        // Only the output side: the drain loop is the one reader and sees the server's close.
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var acks = await reader;
        Assert.True(acks >= 2_000, $"every command was acknowledged ({acks})");

        await StackFixture.EventuallyAsync(async () =>
            (await MetricsScrape.TakeAsync(stack.Api)).Sum("nexustrade_websocket_subscriptions") == before.Sum("nexustrade_websocket_subscriptions"),
            TimeSpan.FromSeconds(10), "subscriptions back to where they were");
    }

    [Fact]
    public async Task After_the_corpus_the_api_is_healthy_with_bounded_memory()
    {
        // Twice through the corpus; the answers themselves are checked case by case above.
        for (var round = 0; round < 2; round++)
        {
            foreach (var testCase in HttpCases()) await SendRawAsync(Expand((string)testCase[1]), requireAnswer: false);
        }
        var metrics = await MetricsScrape.TakeAsync(stack.Api);
        Assert.InRange(metrics.Sum("dotnet_process_memory_working_set_bytes"), 10_000_000, 600_000_000);
        using var health = await stack.Api.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode);
    }

    private string Expand(string request)
    {
        var host = $"{stack.Api.BaseAddress!.Host}:{stack.Api.BaseAddress.Port}";
        var expanded = Repeat().Replace(request.Replace("{host}", host), m => new string('A', int.Parse(m.Groups[1].Value)));
        return expanded.Replace("\\r\\n", "\r\n");
    }

    [GeneratedRegex(@"\{A\*([0-9]+)\}")]
    private static partial Regex Repeat();

    /// <summary>Sends the bytes as they are and reads the status line, headers and (a bounded part of) the body.</summary>
    private async Task<(int Status, string Headers, string Body)> SendRawAsync(string request, bool requireAnswer = true)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(stack.Api.BaseAddress!.Host == "localhost" ? "127.0.0.1" : stack.Api.BaseAddress.Host, stack.Api.BaseAddress.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before reading a large request to its end.
        }
        var response = new StringBuilder();
        var buffer = new byte[8192];
        try
        {
            while (response.Length < 64 * 1024)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                response.Append(Encoding.UTF8.GetString(buffer, 0, read));
                var text = response.ToString();
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end > 0 && BodyComplete(text, end)) break;
            }
        }
        catch (IOException)
        {
        }
        var all = response.ToString();
        var split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!requireAnswer && !all.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)) return (0, "", "");
        Assert.True(all.StartsWith("HTTP/1.1 ", StringComparison.Ordinal), "an HTTP answer came back: " + all[..Math.Min(200, all.Length)]);
        return (int.Parse(all.Substring(9, 3)), split > 0 ? all[..split] : all, split > 0 ? all[(split + 4)..] : "");
    }

    private static bool BodyComplete(string text, int headerEnd)
    {
        var headers = text[..headerEnd];
        var length = Regex.Match(headers, @"Content-Length: *([0-9]+)", RegexOptions.IgnoreCase);
        if (length.Success) return text.Length - headerEnd - 4 >= int.Parse(length.Groups[1].Value);
        return headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? text.EndsWith("0\r\n\r\n", StringComparison.Ordinal) : true;
    }

    /// <summary>Reads until the close handshake, counting acks.</summary>
    private static async Task<int> DrainAsync(ClientWebSocket socket)
    {
        var acks = 0;
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close) return acks;
            if (Encoding.UTF8.GetString(buffer, 0, result.Count).Contains("\"type\":\"ack\"")) acks++;
        }
    }
}
