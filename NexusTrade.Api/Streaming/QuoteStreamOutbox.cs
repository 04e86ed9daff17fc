using System.Diagnostics;
using System.Threading.Channels;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// What the writer sends next: a message of the given kind, or (when <see cref="Close"/> is set) the close frame;
/// for a quote update, the <see cref="Quote"/> it carries (its age is measured when the send completes).
/// </summary>
public readonly record struct OutboxItem(byte[] Message, StreamMessageKind Kind, StreamClose? Close, Quote? Quote = null);

/// <summary>
/// Everything one client is yet to be sent. Replies (acks, pongs, errors) queue in order, at most
/// <see cref="QuoteStreamOptions.MaxPendingReplies"/> of them; quote updates are held one per symbol, a newer one
/// replacing an unsent one, so a slow reader costs at most one message per subscription. Once a close is decided,
/// nothing new is queued and what is pending is dropped (counted), except replies for a client that closed normally.
/// </summary>
public sealed class QuoteStreamOutbox(QuoteStreamOptions options, NexusTradeMetrics metrics)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (byte[] Message, Quote? Quote)> _quotes = new(StringComparer.Ordinal);
    private readonly Queue<(byte[] Message, StreamMessageKind Kind)> _replies = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource? _replyTaken;
    private StreamClose? _close;
    private bool _closing;
    private volatile bool _slowConsumer;

    public bool IsClosing
    {
        get { lock (_gate) return _closing; }
    }

    /// <summary>True once the client was found not to read: its disconnect counts as <c>slow_consumer</c>, whatever ended it.</summary>
    public bool SlowConsumerDetected => _slowConsumer;

    public int PendingQuotes
    {
        get { lock (_gate) return _quotes.Count; }
    }

    /// <summary>
    /// Queues a quote update; an unsent update for the same symbol is replaced (coalesced). With <paramref name="wake"/>
    /// false the writer is not woken (the broadcaster queues a whole push first and then calls <see cref="Wake"/> once,
    /// so that the writer sends it as one batch); false when the outbox is closing.
    /// </summary>
    public bool EnqueueQuote(string symbol, byte[] message, Quote? quote = null, bool wake = true)
    {
        lock (_gate)
        {
            if (_closing) return false;
            if (!_quotes.TryAdd(symbol, (message, quote)))
            {
                _quotes[symbol] = (message, quote);
                metrics.WebSocketMessagesDropped(DropReason.Coalesced);
            }
        }
        if (wake) Wake();
        return true;
    }

    /// <summary>Queues a reply; a client that lets more than the limit pile up is closed as a slow consumer.</summary>
    public void EnqueueReply(byte[] message, StreamMessageKind kind)
    {
        lock (_gate)
        {
            if (_closing) return;
            if (_replies.Count >= options.MaxPendingReplies)
            {
                metrics.WebSocketMessagesDropped(DropReason.QueueFull);
                _slowConsumer = true;
                CloseLocked(StreamClose.RepliesNotRead);
            }
            else
            {
                _replies.Enqueue((message, kind));
            }
        }
        Wake();
    }

    /// <summary>Drops the unsent update of a symbol the client no longer subscribes to.</summary>
    public void Forget(string symbol)
    {
        lock (_gate) _quotes.Remove(symbol);
    }

    /// <summary>Decides the close (the first decision wins) and drops what will not be sent.</summary>
    public void Close(StreamClose close)
    {
        lock (_gate) CloseLocked(close);
        Wake();
    }

    /// <summary>Closes the connection as a slow consumer (policy violation with the given reason).</summary>
    public void CloseSlowConsumer(StreamClose close)
    {
        _slowConsumer = true;
        Close(close);
    }

    /// <summary>
    /// Back-pressure on commands: completes once a reply can be queued, woken when the writer takes one, so a
    /// client that pipelines faster than it reads is slowed down. False (and closed as a slow consumer) when the
    /// replies stayed full for <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForReplyRoomAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            Task replyTaken;
            lock (_gate)
            {
                if (_replies.Count < options.MaxPendingReplies) return true;
                replyTaken = (_replyTaken ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || !await replyTaken.CompletesWithinAsync(left, cancellationToken)) break;
        }
        CloseSlowConsumer(StreamClose.RepliesNotRead);
        return false;
    }

    /// <summary>Waits until there may be something to take; false when <paramref name="cancellationToken"/> ends the wait.</summary>
    public async ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken)
    {
        if (!await _wake.Reader.WaitToReadAsync(cancellationToken)) return false;
        _wake.Reader.TryRead(out _);
        return true;
    }

    /// <summary>The next item to send: replies first, then the close (once), then quote updates.</summary>
    public bool TryTake(out OutboxItem item)
    {
        lock (_gate)
        {
            if (_replies.TryDequeue(out var reply))
            {
                SignalReplyTaken();
                item = new OutboxItem(reply.Message, reply.Kind, null);
                return true;
            }
            if (_close is { } close)
            {
                _close = null;
                item = new OutboxItem([], StreamMessageKind.Error, close);
                return true;
            }
            if (!_closing)
            {
                foreach (var (symbol, update) in _quotes)
                {
                    _quotes.Remove(symbol);
                    item = new OutboxItem(update.Message, StreamMessageKind.Quote, null, update.Quote);
                    return true;
                }
            }
            item = default;
            return false;
        }
    }

    private void CloseLocked(StreamClose close)
    {
        if (_closing) return;
        _closing = true;
        _close = close;
        metrics.WebSocketMessagesDropped(DropReason.QueueFull, _quotes.Count + (close.FlushReplies ? 0 : _replies.Count));
        _quotes.Clear();
        if (!close.FlushReplies)
        {
            _replies.Clear();
            SignalReplyTaken();
        }
    }

    private void SignalReplyTaken()
    {
        _replyTaken?.TrySetResult();
        _replyTaken = null;
    }

    /// <summary>Tells the writer there is something to take.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);
}
