using System.Net.WebSockets;
using System.Text;
using NexusTrade.Api.Streaming;

namespace NexusTrade.Tests.Api;

/// <summary>
/// The frames the quote stream's writer appends to a batch by hand must be what a WebSocket client reads as whole text
/// messages, in order and between the WebSocket's own frames; read back here by .NET's client-side WebSocket.
/// </summary>
public sealed class FrameBatchingStreamTests
{
    private sealed class RecordingStream : MemoryStream
    {
        public int Writes;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    private static async Task<List<string>> ReadMessagesAsync(byte[] wire, int count)
    {
        using var client = WebSocket.CreateFromStream(new MemoryStream(wire), new WebSocketCreationOptions { IsServer = false });
        var messages = new List<string>();
        var buffer = new byte[100_000];
        for (var i = 0; i < count; i++)
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                received = await client.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += received.Count;
            }
            while (!received.EndOfMessage);
            Assert.Equal(WebSocketMessageType.Text, received.MessageType);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, length));
        }
        return messages;
    }

    [Theory]
    [InlineData(5)] // 7-bit length
    [InlineData(125)] // the largest 7-bit length
    [InlineData(126)] // 16-bit length
    [InlineData(3000)]
    public async Task Appended_frames_read_back_as_the_messages_in_order(int size)
    {
        var wire = new RecordingStream();
        var stream = new FrameBatchingStream(wire);
        var payloads = Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), size)).ToArray();

        stream.BeginBatch();
        var appended = payloads.Count(p => stream.TryAppendTextFrame(Encoding.UTF8.GetBytes(p)));
        await stream.EndBatchAsync(CancellationToken.None);

        // What fits one batch reaches the connection in one write; the rest is left to the WebSocket's own send.
        var fits = FrameBatchingStream.MaxBatchBytes / (size + (size < 126 ? 2 : 4));
        Assert.Equal(Math.Min(3, fits), appended);
        Assert.Equal(1, wire.Writes);
        Assert.Equal(payloads.Take(appended), await ReadMessagesAsync(wire.ToArray(), appended));
    }

    [Fact]
    public async Task Frames_of_the_websocket_itself_and_appended_frames_interleave_in_order()
    {
        var wire = new RecordingStream();
        var stream = new FrameBatchingStream(wire);
        using var server = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });

        stream.BeginBatch();
        Assert.True(stream.TryAppendTextFrame("""{"type":"quote","n":1}"""u8));
        await server.SendAsync("""{"type":"ack"}"""u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        Assert.True(stream.TryAppendTextFrame("""{"type":"quote","n":2}"""u8));
        await stream.EndBatchAsync(CancellationToken.None);

        Assert.Equal(1, wire.Writes);
        Assert.Equal(["""{"type":"quote","n":1}""", """{"type":"ack"}""", """{"type":"quote","n":2}"""], await ReadMessagesAsync(wire.ToArray(), 3));
    }

    [Fact]
    public async Task Without_an_open_batch_nothing_is_appended_and_writes_go_straight_through()
    {
        var wire = new RecordingStream();
        var stream = new FrameBatchingStream(wire);
        using var server = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });

        Assert.False(stream.TryAppendTextFrame("x"u8));
        await server.SendAsync("""{"type":"pong"}"""u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal(1, wire.Writes);
        Assert.Equal(["""{"type":"pong"}"""], await ReadMessagesAsync(wire.ToArray(), 1));
    }
}
