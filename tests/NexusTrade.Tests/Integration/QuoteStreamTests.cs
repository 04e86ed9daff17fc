using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace NexusTrade.Tests.Integration;

[Collection(StackCollection.Name)]
public sealed class QuoteStreamTests(StackFixture stack)
{
    [Fact]
    public async Task A_subscriber_gets_an_ack_then_live_quotes()
    {
        using var socket = await ConnectAsync();
        await SendTextAsync(socket, """{"action":"subscribe","symbols":["AAPL","msft"]}""");
        var ack = await ReceiveJsonAsync(socket);
        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal(2, ack.GetProperty("subscriptions").GetInt32());

        var seen = new HashSet<string>();
        while (seen.Count < 2)
        {
            var message = await ReceiveJsonAsync(socket);
            if (message.GetProperty("type").GetString() == "quote") seen.Add(message.GetProperty("data").GetProperty("symbol").GetString()!);
        }
        Assert.Equal(new[] { "AAPL", "MSFT" }, seen.Order().ToArray());

        await SendTextAsync(socket, """{"action":"ping"}""");
        await EventuallyReceiveTypeAsync(socket, "pong");
        await SendTextAsync(socket, """{"action":"unsubscribe","symbols":["AAPL"]}""");
        var unsubscribed = await EventuallyReceiveTypeAsync(socket, "ack");
        Assert.Equal(1, unsubscribed.GetProperty("subscriptions").GetInt32());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task Binary_frames_close_with_1003()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await AssertClosedAsync(socket, WebSocketCloseStatus.InvalidMessageType, "binary");
    }

    [Fact]
    public async Task Oversized_messages_close_with_1009()
    {
        using var socket = await ConnectAsync();
        await SendTextAsync(socket, "{\"action\":\"subscribe\",\"symbols\":[\"" + new string('A', 5000) + "\"]}");
        await AssertClosedAsync(socket, WebSocketCloseStatus.MessageTooBig, "exceeds");
    }

    [Theory]
    [InlineData("not json at all", "malformed")]
    [InlineData("""{"action":"buy","symbols":["AAPL"]}""", "unknown action")]
    [InlineData("""{"action":"subscribe","symbols":["<bad>"]}""", "valid symbols")]
    [InlineData("""{"action":"subscribe","symbols":[]}""", "valid symbols")]
    public async Task Protocol_violations_close_with_1008_and_a_reason(string message, string reason)
    {
        using var socket = await ConnectAsync();
        await SendTextAsync(socket, message);
        await AssertClosedAsync(socket, WebSocketCloseStatus.PolicyViolation, reason);
    }

    [Fact]
    public async Task More_subscriptions_than_the_cap_close_with_1008()
    {
        using var socket = await ConnectAsync();
        var symbols = Enumerable.Range(0, 51).Select(i => $"\"S{i:000}\"");
        await SendTextAsync(socket, "{\"action\":\"subscribe\",\"symbols\":[" + string.Join(',', symbols) + "]}");
        await AssertClosedAsync(socket, WebSocketCloseStatus.PolicyViolation, "subscription limit");
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        var uri = stack.QuoteStreamUri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ReceiveJsonAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[16 * 1024];
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), timeout.Token);
            count += result.Count;
        }
        while (!result.EndOfMessage);
        Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
        return JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
    }

    private static async Task<JsonElement> EventuallyReceiveTypeAsync(ClientWebSocket socket, string type)
    {
        while (true)
        {
            var message = await ReceiveJsonAsync(socket);
            if (message.GetProperty("type").GetString() == type) return message;
        }
    }

    private static async Task AssertClosedAsync(ClientWebSocket socket, WebSocketCloseStatus status, string reasonFragment)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) break;
        }
        Assert.Equal(status, socket.CloseStatus);
        Assert.Contains(reasonFragment, socket.CloseStatusDescription ?? "", StringComparison.OrdinalIgnoreCase);
    }
}
