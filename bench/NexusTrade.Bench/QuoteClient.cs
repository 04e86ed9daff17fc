using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace NexusTrade.Bench;

/// <summary>Counters shared by every client of one run; lag is recorded only while <see cref="Measuring"/> is set.</summary>
public sealed class StreamStats
{
    public readonly Histogram Lag = new();
    public volatile bool Measuring;
    public long Acks;
    public long Errors;
    public long Disconnects;
    public long ParseFailures;
}

/// <summary>One WebSocket client of <c>/ws/quotes</c>: subscribes, then counts quote messages and their delivery lag.</summary>
public sealed class QuoteClient(Uri uri, IReadOnlyList<string> symbols, StreamStats stats) : IAsyncDisposable
{
    private static readonly byte[] PublishedAtKey = "\"publishedAt\":\""u8.ToArray();
    private static readonly byte[] QuoteType = "\"type\":\"quote\""u8.ToArray();
    private static readonly byte[] AckType = "\"type\":\"ack\""u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private long _quotes;

    public long Quotes => Interlocked.Read(ref _quotes);

    public bool Acked { get; private set; }

    public Task Receiving { get; private set; } = Task.CompletedTask;

    public WebSocketState State => _socket.State;

    public async Task ConnectAndSubscribeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await _socket.ConnectAsync(uri, cts.Token);
        var subscribe = Encoding.UTF8.GetBytes("{\"action\":\"subscribe\",\"symbols\":[" + string.Join(',', symbols.Select(s => "\"" + s + "\"")) + "]}");
        await _socket.SendAsync(subscribe, WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        Receiving = ReceiveLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                    }
                    return;
                }
                var received = DateTimeOffset.UtcNow;
                Handle(buffer.AsSpan(0, count), received);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            Interlocked.Increment(ref stats.Disconnects);
        }
    }

    private void Handle(ReadOnlySpan<byte> message, DateTimeOffset received)
    {
        if (message.IndexOf(QuoteType) >= 0)
        {
            Interlocked.Increment(ref _quotes);
            if (!stats.Measuring) return;
            if (TryReadPublishedAt(message, out var published)) stats.Lag.Record((received - published).TotalMilliseconds);
            else Interlocked.Increment(ref stats.ParseFailures);
        }
        else if (message.IndexOf(AckType) >= 0)
        {
            Acked = true;
            Interlocked.Increment(ref stats.Acks);
        }
        else
        {
            Interlocked.Increment(ref stats.Errors);
        }
    }

    /// <summary>Reads the ISO timestamp of <c>"publishedAt":"..."</c> without deserialising the whole message.</summary>
    public static bool TryReadPublishedAt(ReadOnlySpan<byte> message, out DateTimeOffset published)
    {
        published = default;
        var at = message.IndexOf(PublishedAtKey);
        if (at < 0) return false;
        var value = message[(at + PublishedAtKey.Length)..];
        var end = value.IndexOf((byte)'"');
        if (end <= 0 || end > 64) return false;
        Span<char> chars = stackalloc char[end];
        for (var i = 0; i < end; i++) chars[i] = (char)value[i];
        return DateTimeOffset.TryParse(chars, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out published);
    }

    /// <summary>Closes politely (close frame, wait briefly for the server's), then releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", timeout.Token);
                await Receiving.WaitAsync(TimeSpan.FromSeconds(3));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>A deterministic pool of distinct, valid symbols (SYM000, SYM001, ...).</summary>
    public static string[] SymbolPool(int size) =>
        Enumerable.Range(0, size).Select(i => "SYM" + i.ToString("000", CultureInfo.InvariantCulture)).ToArray();

    /// <summary><paramref name="count"/> distinct symbols from the pool, drawn with a fixed seed per client.</summary>
    public static string[] Pick(string[] pool, int count, int seed)
    {
        var random = new Random(seed);
        var copy = (string[])pool.Clone();
        random.Shuffle(copy);
        return copy[..Math.Min(count, copy.Length)];
    }
}
