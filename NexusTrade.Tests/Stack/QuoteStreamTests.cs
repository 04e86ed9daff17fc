using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace NexusTrade.Tests.Stack;

[Collection(StackCollection.Name)]
[Trait("Category", "Stack")]
public sealed class QuoteStreamTests(StackFixture stack)
{
    [Fact]
    public async Task A_subscriber_gets_an_ack_then_live_quotes()
    {
        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync("""{"action":"subscribe","symbols":["AAPL","msft"]}""");
        var ack = await socket.ReceiveJsonAsync();
        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal(2, ack.GetProperty("subscriptions").GetInt32());

        var seen = new HashSet<string>();
        while (seen.Count < 2)
        {
            var message = await socket.ReceiveJsonAsync();
            if (message.GetProperty("type").GetString() == "quote") seen.Add(message.GetProperty("data").GetProperty("symbol").GetString()!);
        }
        Assert.Equal(new[] { "AAPL", "MSFT" }, seen.Order().ToArray());

        await socket.SendTextAsync("""{"action":"ping"}""");
        await EventuallyReceiveTypeAsync(socket, "pong");
        await socket.SendTextAsync("""{"action":"unsubscribe","symbols":["AAPL"]}""");
        var unsubscribed = await EventuallyReceiveTypeAsync(socket, "ack");
        Assert.Equal(1, unsubscribed.GetProperty("subscriptions").GetInt32());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task Binary_frames_close_with_1003()
    {
        using var socket = await stack.ConnectAsync();
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await AssertClosedAsync(socket, WebSocketCloseStatus.InvalidMessageType, "binary");
    }

    [Fact]
    public async Task Oversized_messages_close_with_1009()
    {
        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync("{\"action\":\"subscribe\",\"symbols\":[\"" + new string('A', 5000) + "\"]}");
        await AssertClosedAsync(socket, WebSocketCloseStatus.MessageTooBig, "exceeds");
    }

    [Theory]
    [InlineData("not json at all", "malformed")]
    [InlineData("""{"action":"buy","symbols":["AAPL"]}""", "unknown action")]
    [InlineData("""{"action":"subscribe","symbols":["<bad>"]}""", "valid symbols")]
    [InlineData("""{"action":"subscribe","symbols":[]}""", "valid symbols")]
    public async Task Protocol_violations_close_with_1008_and_a_reason(string message, string reason)
    {
        using var socket = await stack.ConnectAsync();
        await socket.SendTextAsync(message);
        await AssertClosedAsync(socket, WebSocketCloseStatus.PolicyViolation, reason);
    }

    [Fact]
    public async Task More_subscriptions_than_the_cap_close_with_1008()
    {
        using var socket = await stack.ConnectAsync();
        var symbols = Enumerable.Range(0, 51).Select(i => $"\"S{i:000}\"");
        await socket.SendTextAsync("{\"action\":\"subscribe\",\"symbols\":[" + string.Join(',', symbols) + "]}");
        await AssertClosedAsync(socket, WebSocketCloseStatus.PolicyViolation, "subscription limit");
    }

    private static async Task<JsonElement> EventuallyReceiveTypeAsync(ClientWebSocket socket, string type)
    {
        while (true)
        {
            var message = await socket.ReceiveJsonAsync();
            if (message.GetProperty("type").GetString() == type) return message;
        }
    }

    private static async Task AssertClosedAsync(ClientWebSocket socket, WebSocketCloseStatus status, string reasonFragment)
    {
        Assert.Equal(status, await socket.WaitForCloseAsync());
        Assert.Contains(reasonFragment, socket.CloseStatusDescription ?? "", StringComparison.OrdinalIgnoreCase);
    }
}
