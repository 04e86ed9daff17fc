using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;
using MessageKind = NexusTrade.Api.Telemetry.WebSocketMessageType;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// One WebSocket client. A receive loop applies the client's commands; a single writer sends replies and quote
/// updates. Pending updates are held one per symbol (a newer quote replaces an unsent one), so a slow reader costs
/// at most one message per subscription; a reader that stops reading entirely is disconnected after the send timeout.
/// </summary>
public sealed class QuoteStreamSession(WebSocket socket, SubscriptionHub hub, QuoteService quotes, NexusTradeMetrics metrics,
    QuoteStreamOptions options, ILogger logger)
{
    /// <summary>1013 (RFC 6455 registry): the server is at capacity, try again later.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, byte[]> _pendingQuotes = new(StringComparer.Ordinal);
    private readonly Queue<(byte[] Message, MessageKind Kind)> _pendingReplies = new();
    private readonly HashSet<string> _pendingSnapshots = new(StringComparer.Ordinal);
    private bool _snapshotWorkerRunning;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private CloseRequest? _close;
    private bool _closing;
    private volatile bool _slowConsumer;

    /// <param name="FlushReplies">A client that closes normally still gets the replies to what it sent before.</param>
    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason, DisconnectReason Metric, bool FlushReplies = false);

    public async Task RunAsync(CancellationToken aborted, CancellationToken shutdown)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.WebSocketOpened();
        using var stopWriter = new CancellationTokenSource();
        var writer = WriteLoopAsync(stopWriter.Token);
        DisconnectReason reason;
        try
        {
            using var receiving = CancellationTokenSource.CreateLinkedTokenSource(aborted, shutdown);
            reason = await ReceiveLoopAsync(receiving.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            reason = RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", DisconnectReason.ServerShutdown);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            reason = _slowConsumer ? DisconnectReason.SlowConsumer : DisconnectReason.Error;
        }

        // The writer sends the close frame (if any) and stops; a writer stuck on a client that does not read is aborted.
        try
        {
            await writer.WaitAsync(options.SendTimeout);
        }
        catch (TimeoutException)
        {
            socket.Abort();
        }
        stopWriter.Cancel();
        await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await AwaitClientCloseAsync();

        foreach (var symbol in _subscriptions) hub.Unsubscribe(this, symbol);
        metrics.WebSocketSubscriptionsChanged(-_subscriptions.Count);
        metrics.WebSocketClosed(_slowConsumer ? DisconnectReason.SlowConsumer : reason, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Queues a quote update; an unsent update for the same symbol is replaced (coalesced).</summary>
    public void EnqueueQuote(string symbol, byte[] message)
    {
        lock (_gate)
        {
            if (_closing) return;
            if (!_pendingQuotes.TryAdd(symbol, message))
            {
                _pendingQuotes[symbol] = message;
                metrics.WebSocketMessagesDropped(DropReason.Coalesced);
            }
        }
        _wake.Writer.TryWrite(true);
    }

    private void EnqueueReply(byte[] message, MessageKind kind)
    {
        lock (_gate)
        {
            if (_closing) return;
            if (_pendingReplies.Count >= options.MaxPendingReplies)
            {
                metrics.WebSocketMessagesDropped(DropReason.QueueFull);
                _slowConsumer = true;
                CloseLocked(new CloseRequest(WebSocketCloseStatus.PolicyViolation, "slow consumer: replies are not being read", DisconnectReason.SlowConsumer));
            }
            else
            {
                _pendingReplies.Enqueue((message, kind));
            }
        }
        _wake.Writer.TryWrite(true);
    }

    private DisconnectReason RequestClose(WebSocketCloseStatus status, string reason, DisconnectReason metric)
    {
        lock (_gate) CloseLocked(new CloseRequest(status, reason, metric));
        _wake.Writer.TryWrite(true);
        return metric;
    }

    private void CloseLocked(CloseRequest request)
    {
        if (_closing) return;
        _closing = true;
        _close = request;
        metrics.WebSocketMessagesDropped(DropReason.QueueFull, _pendingQuotes.Count + (request.FlushReplies ? 0 : _pendingReplies.Count));
        _pendingQuotes.Clear();
        if (!request.FlushReplies) _pendingReplies.Clear();
    }

    private async Task<DisconnectReason> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[options.MaxMessageBytes];
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (count == buffer.Length)
                {
                    metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Invalid);
                    return RequestClose(WebSocketCloseStatus.MessageTooBig, $"message exceeds {buffer.Length} bytes", DisconnectReason.MessageTooBig);
                }
                received = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                count += received.Count;
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    lock (_gate) CloseLocked(new CloseRequest(WebSocketCloseStatus.NormalClosure, "bye", DisconnectReason.Normal, FlushReplies: true));
                    _wake.Writer.TryWrite(true);
                    return DisconnectReason.Normal;
                }
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Binary)
                {
                    metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Invalid);
                    return RequestClose(WebSocketCloseStatus.InvalidMessageType, "binary messages are not supported: send JSON text",
                        DisconnectReason.UnsupportedData);
                }
            }
            while (!received.EndOfMessage);

            if (!await WaitForReplyRoomAsync(cancellationToken))
            {
                return RequestClose(WebSocketCloseStatus.PolicyViolation, "slow consumer: replies are not being read", DisconnectReason.SlowConsumer);
            }
            if (Handle(buffer.AsSpan(0, count)) is { } closed) return closed;
        }
    }

    /// <summary>
    /// Back-pressure on commands: while the replies already queued are not sent, the next command is not read.
    /// A client that pipelines faster than it reads is slowed down; one that stops reading for a whole send
    /// timeout is a slow consumer.
    /// </summary>
    private async Task<bool> WaitForReplyRoomAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            lock (_gate)
            {
                if (_pendingReplies.Count < options.MaxPendingReplies) return true;
            }
            if (waited.Elapsed > options.SendTimeout)
            {
                _slowConsumer = true;
                return false;
            }
            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>Applies one client message; returns the disconnect reason when the message ends the connection.</summary>
    private DisconnectReason? Handle(ReadOnlySpan<byte> json)
    {
        ClientMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ClientMessage>(json, ServerMessages.Json);
        }
        catch (JsonException)
        {
            message = null;
        }

        switch (message?.Action)
        {
            case "subscribe":
                metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Subscribe);
                return Subscribe(message.Symbols);
            case "unsubscribe":
                metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Unsubscribe);
                return Unsubscribe(message.Symbols);
            case "ping":
                metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Ping);
                EnqueueReply(ServerMessages.Pong(), MessageKind.Pong);
                return null;
            case null when message is null:
                metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Invalid);
                return RequestClose(WebSocketCloseStatus.PolicyViolation, """malformed message: send JSON {"action":"subscribe","symbols":[...]}""",
                    DisconnectReason.PolicyViolation);
            default:
                metrics.WebSocketMessage(MessageDirection.Received, MessageKind.Invalid);
                return RequestClose(WebSocketCloseStatus.PolicyViolation, "unknown action: use subscribe, unsubscribe or ping", DisconnectReason.PolicyViolation);
        }
    }

    private DisconnectReason? Subscribe(string[]? requested)
    {
        if (requested?.Length > options.MaxSubscriptionsPerConnection)
        {
            return RequestClose(WebSocketCloseStatus.PolicyViolation, $"subscription limit is {options.MaxSubscriptionsPerConnection} symbols per connection",
                DisconnectReason.PolicyViolation);
        }
        if (ValidateSymbols(requested) is not { } symbols)
        {
            return RequestClose(WebSocketCloseStatus.PolicyViolation, "symbols must be a non-empty array of valid symbols (e.g. AAPL, BRK.B)",
                DisconnectReason.PolicyViolation);
        }
        var added = symbols.Where(s => !_subscriptions.Contains(s)).ToList();
        if (_subscriptions.Count + added.Count > options.MaxSubscriptionsPerConnection)
        {
            return RequestClose(WebSocketCloseStatus.PolicyViolation, $"subscription limit is {options.MaxSubscriptionsPerConnection} symbols per connection",
                DisconnectReason.PolicyViolation);
        }
        foreach (var symbol in added)
        {
            if (!hub.Subscribe(this, symbol))
            {
                return RequestClose(TryAgainLater, "server is streaming its maximum number of symbols: try again later", DisconnectReason.PolicyViolation);
            }
            _subscriptions.Add(symbol);
            metrics.WebSocketSubscriptionsChanged(1);
        }
        EnqueueReply(ServerMessages.Ack("subscribe", symbols, _subscriptions.Count), MessageKind.Ack);
        RequestSnapshots(added);
        return null;
    }

    private DisconnectReason? Unsubscribe(string[]? requested)
    {
        if (ValidateSymbols(requested) is not { } symbols)
        {
            return RequestClose(WebSocketCloseStatus.PolicyViolation, "symbols must be a non-empty array of valid symbols (e.g. AAPL, BRK.B)",
                DisconnectReason.PolicyViolation);
        }
        foreach (var symbol in symbols.Where(_subscriptions.Remove))
        {
            hub.Unsubscribe(this, symbol);
            metrics.WebSocketSubscriptionsChanged(-1);
            lock (_gate)
            {
                _pendingQuotes.Remove(symbol);
                _pendingSnapshots.Remove(symbol);
            }
        }
        EnqueueReply(ServerMessages.Ack("unsubscribe", symbols, _subscriptions.Count), MessageKind.Ack);
        return null;
    }

    private List<string>? ValidateSymbols(string[]? requested)
    {
        // More symbols than a connection may hold is refused before any of them is looked at.
        if (requested is null || requested.Length == 0 || requested.Length > options.MaxSubscriptionsPerConnection) return null;
        var symbols = new List<string>(requested.Length);
        foreach (var raw in requested)
        {
            if (!SymbolRules.TryNormalize(raw, out var symbol)) return null;
            if (!symbols.Contains(symbol)) symbols.Add(symbol);
        }
        return symbols;
    }

    /// <summary>
    /// New subscribers get the current quote at once instead of waiting for the next change. One worker per
    /// connection fetches them, so a subscribe storm costs at most one pending fetch per subscribed symbol.
    /// </summary>
    private void RequestSnapshots(List<string> symbols)
    {
        lock (_gate)
        {
            _pendingSnapshots.UnionWith(symbols);
            if (_snapshotWorkerRunning || _closing) return;
            _snapshotWorkerRunning = true;
        }
        _ = Task.Run(SendSnapshotsAsync);
    }

    private async Task SendSnapshotsAsync()
    {
        while (true)
        {
            string symbol;
            lock (_gate)
            {
                if (_closing || _pendingSnapshots.Count == 0)
                {
                    _snapshotWorkerRunning = false;
                    return;
                }
                symbol = _pendingSnapshots.First();
                _pendingSnapshots.Remove(symbol);
            }
            try
            {
                var result = await quotes.GetQuoteAsync(symbol, CancellationToken.None);
                if (result.Quote is { } quote) EnqueueQuote(symbol, ServerMessages.QuoteUpdate(quote, DateTimeOffset.UtcNow));
                else EnqueueReply(ServerMessages.Error(symbol, result.Reason ?? "unavailable"), MessageKind.Error);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Snapshot for a new subscription failed");
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stop))
            {
                _wake.Reader.TryRead(out _);
                while (TakeNext() is { } next)
                {
                    if (next.Close is { } close)
                    {
                        await SendCloseAsync(close);
                        return;
                    }
                    // Most sends complete synchronously (the frame fits the transport's buffer): only a send that has to wait
                    // gets a timeout, instead of a linked token source and a timer for every message.
                    var send = socket.SendAsync(new ReadOnlyMemory<byte>(next.Message), System.Net.WebSockets.WebSocketMessageType.Text, endOfMessage: true, stop);
                    if (send.IsCompleted)
                    {
                        send.GetAwaiter().GetResult();
                    }
                    else if (!await CompletesWithinSendTimeoutAsync(send.AsTask(), stop))
                    {
                        // The client has not read for a whole send timeout: it would only hold memory and a slot.
                        _slowConsumer = true;
                        logger.LogWarning("Disconnecting a WebSocket client that stopped reading for {Timeout}", options.SendTimeout);
                        lock (_gate) CloseLocked(new CloseRequest(WebSocketCloseStatus.PolicyViolation, "slow consumer", DisconnectReason.SlowConsumer));
                        socket.Abort();
                        return;
                    }
                    metrics.WebSocketMessage(MessageDirection.Sent, next.Kind);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Waits for a send that did not complete at once; false when it is still pending after the send timeout.</summary>
    private async Task<bool> CompletesWithinSendTimeoutAsync(Task send, CancellationToken stop)
    {
        try
        {
            await send.WaitAsync(options.SendTimeout, stop);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            // A send left pending fails once the socket is aborted: observe it, so that it is not reported as unobserved.
            if (!send.IsCompleted)
            {
                _ = send.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private (byte[] Message, MessageKind Kind, CloseRequest? Close)? TakeNext()
    {
        lock (_gate)
        {
            if (_pendingReplies.TryDequeue(out var reply)) return (reply.Message, reply.Kind, null);
            if (_close is { } close)
            {
                _close = null;
                return ([], MessageKind.Error, close);
            }
            if (_closing) return null;
            foreach (var (symbol, message) in _pendingQuotes)
            {
                _pendingQuotes.Remove(symbol);
                return (message, MessageKind.Quote, null);
            }
            return null;
        }
    }

    private async Task SendCloseAsync(CloseRequest close)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(options.SendTimeout);
        await socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
    }

    /// <summary>After our close frame, give the client a moment to answer with its own before the socket is disposed.</summary>
    private async Task AwaitClientCloseAsync()
    {
        if (socket.State != WebSocketState.CloseSent) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var scratch = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.CloseSent)
            {
                await socket.ReceiveAsync(scratch.AsMemory(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
        }
    }
}
