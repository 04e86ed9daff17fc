using System.Diagnostics;
using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// One WebSocket client, from accept to close. A receive loop reads whole text messages and hands them to the
/// <see cref="QuoteStreamCommands"/>; a single writer sends what the <see cref="QuoteStreamOutbox"/> holds and
/// finally the close frame. A reader that stops reading is disconnected after the send timeout.
/// </summary>
public sealed class QuoteStreamSession
{
    private readonly WebSocket _socket;
    private readonly NexusTradeMetrics _metrics;
    private readonly QuoteStreamOptions _options;
    private readonly ILogger _logger;
    private readonly QuoteStreamCommands _commands;
    private readonly SubscriptionSnapshots _snapshots;
    private readonly FrameBatchingStream? _batch;

    /// <summary>Most commands fit this; a longer one (up to <see cref="QuoteStreamOptions.MaxMessageBytes"/>) is read into a pooled buffer.</summary>
    private const int ReceiveBufferBytes = 512;

    public QuoteStreamSession(WebSocket socket, SubscriptionHub hub, QuoteService quotes, NexusTradeMetrics metrics,
        QuoteStreamOptions options, ILogger logger, FrameBatchingStream? batch = null)
    {
        (_socket, _metrics, _options, _logger, _batch) = (socket, metrics, options, logger, batch);
        Outbox = new QuoteStreamOutbox(options, metrics);
        _commands = new QuoteStreamCommands(Outbox, hub, metrics, options.MaxSubscriptionsPerConnection);
        _snapshots = new SubscriptionSnapshots(Outbox, quotes, logger);
    }

    public QuoteStreamOutbox Outbox { get; }

    /// <summary>Accepts the upgrade (with WebSocket pings every keep-alive interval) and runs the session until it closes.</summary>
    public static async Task AcceptAndRunAsync(HttpContext context, SubscriptionHub hub, QuoteService quotes, NexusTradeMetrics metrics,
        QuoteStreamOptions options, ILogger logger, CancellationToken shutdown)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveInterval * 2,
        });
        var batch = (context.Features.Get<IHttpUpgradeFeature>() as FrameBatchingUpgradeFeature)?.Stream;
        await new QuoteStreamSession(socket, hub, quotes, metrics, options, logger, batch).RunAsync(context.RequestAborted, shutdown);
    }

    public async Task RunAsync(CancellationToken aborted, CancellationToken shutdown)
    {
        var started = Stopwatch.GetTimestamp();
        _metrics.WebSocketOpened();
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
            reason = Close(StreamClose.ServerShutdown);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            reason = Outbox.SlowConsumerDetected ? DisconnectReason.SlowConsumer : DisconnectReason.Error;
        }

        // The writer sends the close frame (if any) and stops; a writer stuck on a client that does not read is aborted.
        if (!await writer.CompletesWithinAsync(_options.SendTimeout, CancellationToken.None)) _socket.Abort();
        stopWriter.Cancel();
        await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await AwaitClientCloseAsync();

        _commands.UnsubscribeAll();
        _metrics.WebSocketClosed(Outbox.SlowConsumerDetected ? DisconnectReason.SlowConsumer : reason, Stopwatch.GetElapsedTime(started));
    }

    private DisconnectReason Close(StreamClose close)
    {
        Outbox.Close(close);
        return close.Metric;
    }

    private async Task<DisconnectReason> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // A connection spends its life waiting here: it holds a small buffer, and rents the largest allowed only for a longer message.
        var small = new byte[Math.Min(ReceiveBufferBytes, _options.MaxMessageBytes)];
        while (true)
        {
            var buffer = small;
            try
            {
                var count = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    var limit = Math.Min(buffer.Length, _options.MaxMessageBytes);
                    if (count == limit)
                    {
                        if (limit == _options.MaxMessageBytes) return Invalid(StreamClose.MessageTooBig(_options.MaxMessageBytes));
                        var larger = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
                        buffer.AsSpan(0, count).CopyTo(larger);
                        if (buffer != small) ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    received = await _socket.ReceiveAsync(buffer.AsMemory(count, Math.Min(buffer.Length, _options.MaxMessageBytes) - count), cancellationToken);
                    count += received.Count;
                    if (received.MessageType == WebSocketMessageType.Close) return Close(StreamClose.ClientClosed);
                    if (received.MessageType == WebSocketMessageType.Binary) return Invalid(StreamClose.Binary);
                }
                while (!received.EndOfMessage);

                if (!await Outbox.WaitForReplyRoomAsync(_options.SendTimeout, cancellationToken)) return DisconnectReason.SlowConsumer;
                if (Apply(_commands.Handle(buffer.AsSpan(0, count))) is { } closed) return closed;
            }
            finally
            {
                if (buffer != small) ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>A frame that is not a command at all: counted as an invalid message, and the connection closes.</summary>
    private DisconnectReason Invalid(StreamClose close)
    {
        _metrics.WebSocketMessage(MessageDirection.Received, StreamMessageKind.Invalid);
        return Close(close);
    }

    private DisconnectReason? Apply(CommandOutcome outcome)
    {
        if (outcome.Close is { } close) return Close(close);
        foreach (var symbol in outcome.Unsubscribed)
        {
            Outbox.Forget(symbol);
            _snapshots.Forget(symbol);
        }
        if (outcome.Reply is { } reply) Outbox.EnqueueReply(reply, outcome.ReplyKind);
        _snapshots.Request(outcome.Subscribed);
        return null;
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        try
        {
            while (await Outbox.WaitToTakeAsync(stop))
            {
                // What one wake-up finds goes out as one batch (one send on the connection) when the transport batches.
                _batch?.BeginBatch();
                var quotes = 0;
                while (Outbox.TryTake(out var next))
                {
                    if (next.Close is { } close)
                    {
                        if (!await EndBatchAsync(stop)) return;
                        await SendCloseAsync(close);
                        return;
                    }
                    // Into the batch as a ready frame when the transport batches; otherwise through the WebSocket. Most sends
                    // complete synchronously (the frame fits the transport's buffer): only a send that has to wait gets a
                    // timeout, instead of a linked token source and a timer for every message.
                    if (!(_socket.State is WebSocketState.Open or WebSocketState.CloseReceived && _batch?.TryAppendTextFrame(next.Message) == true))
                    {
                        var send = _socket.SendAsync(new ReadOnlyMemory<byte>(next.Message), WebSocketMessageType.Text, endOfMessage: true, stop);
                        if (send.IsCompleted)
                        {
                            send.GetAwaiter().GetResult();
                        }
                        else if (!await send.AsTask().CompletesWithinAsync(_options.SendTimeout, stop))
                        {
                            DisconnectSlowConsumer();
                            return;
                        }
                    }
                    if (next.Quote is { } quote)
                    {
                        quotes++;
                        _metrics.QuoteDelivered(DeliveryChannel.Websocket, quote);
                    }
                    else
                    {
                        _metrics.WebSocketMessage(MessageDirection.Sent, next.Kind);
                    }
                }
                if (!await EndBatchAsync(stop)) return;
                _metrics.WebSocketMessages(MessageDirection.Sent, StreamMessageKind.Quote, quotes);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Writes the batch out; false (and the client is disconnected) when that did not complete within the send timeout.</summary>
    private async ValueTask<bool> EndBatchAsync(CancellationToken stop)
    {
        if (_batch is null) return true;
        var write = _batch.EndBatchAsync(stop);
        if (write.IsCompleted)
        {
            write.GetAwaiter().GetResult();
            return true;
        }
        if (await write.AsTask().CompletesWithinAsync(_options.SendTimeout, stop)) return true;
        DisconnectSlowConsumer();
        return false;
    }

    /// <summary>The client has not read for a whole send timeout: it would only hold memory and a slot.</summary>
    private void DisconnectSlowConsumer()
    {
        _logger.LogWarning("Disconnecting a WebSocket client that stopped reading for {Timeout}", _options.SendTimeout);
        Outbox.CloseSlowConsumer(StreamClose.SendStalled);
        _socket.Abort();
    }

    private async Task SendCloseAsync(StreamClose close)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(_options.SendTimeout);
        await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
    }

    /// <summary>After our close frame, give the client a moment to answer with its own before the socket is disposed.</summary>
    private async Task AwaitClientCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseSent) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var scratch = new byte[1024];
        try
        {
            while (_socket.State == WebSocketState.CloseSent)
            {
                await _socket.ReceiveAsync(scratch.AsMemory(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
        }
    }
}
