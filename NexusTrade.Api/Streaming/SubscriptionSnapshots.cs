using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// New subscribers get the current quote at once instead of waiting for the next change. One worker per
/// connection fetches them, so a subscribe storm costs at most one pending fetch per subscribed symbol.
/// </summary>
public sealed class SubscriptionSnapshots(QuoteStreamOutbox outbox, QuoteService quotes, ILogger logger)
{
    private readonly Lock _gate = new();
    // Null while nothing is pending: a connection keeps no set for the snapshots it fetched once.
    private HashSet<string>? _pending;
    private bool _workerRunning;

    public void Request(IReadOnlyList<string> symbols)
    {
        if (symbols.Count == 0) return;
        lock (_gate)
        {
            (_pending ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(symbols);
            if (_workerRunning || outbox.IsClosing) return;
            _workerRunning = true;
        }
        _ = Task.Run(SendAsync);
    }

    /// <summary>Drops the pending snapshot of a symbol that was unsubscribed before it was fetched.</summary>
    public void Forget(string symbol)
    {
        lock (_gate) _pending?.Remove(symbol);
    }

    private async Task SendAsync()
    {
        while (TakeNext() is { } symbol)
        {
            try
            {
                var result = await quotes.GetQuoteAsync(symbol, CancellationToken.None);
                if (result.Quote is { } quote) outbox.EnqueueQuote(symbol, ServerMessages.QuoteUpdate(quote, DateTimeOffset.UtcNow), quote);
                else outbox.EnqueueReply(ServerMessages.Error(symbol, result.Reason ?? "unavailable"), StreamMessageKind.Error);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Snapshot for a new subscription failed");
            }
        }
    }

    /// <summary>The next symbol to fetch, or null (and the worker stops) when there is none or the connection is closing.</summary>
    private string? TakeNext()
    {
        lock (_gate)
        {
            if (outbox.IsClosing || _pending is not { Count: > 0 })
            {
                _pending = null;
                _workerRunning = false;
                return null;
            }
            var symbol = _pending.First();
            _pending.Remove(symbol);
            return symbol;
        }
    }
}
