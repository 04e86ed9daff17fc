using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace NexusTrade.Tests.Stack;

/// <summary>The client side of <c>/ws/quotes</c> that the integration tests share: connect, send, receive, wait for the close.</summary>
public static class QuoteStreamClient
{
    public static async Task<ClientWebSocket> ConnectAsync(this StackFixture stack)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(stack.QuoteStreamUri, timeout.Token);
        return socket;
    }

    public static Task SendTextAsync(this ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next whole message, as JSON (a close frame fails the test).</summary>
    public static async Task<JsonElement> ReceiveJsonAsync(this ClientWebSocket socket)
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

    /// <summary>Reads (and discards) until the server's close frame; returns its status.</summary>
    public static async Task<WebSocketCloseStatus?> WaitForCloseAsync(this ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        while (socket.State == WebSocketState.Open)
        {
            if ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType == WebSocketMessageType.Close) break;
        }
        return socket.CloseStatus;
    }
}
