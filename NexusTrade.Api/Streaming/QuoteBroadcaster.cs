using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Quotes;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// Every push interval, fetches each subscribed symbol once (through the cache) and hands an update to every
/// subscriber when the quote changed since the last push. Each update is serialised once, whatever the fan-out.
/// </summary>
public sealed class QuoteBroadcaster(SubscriptionHub hub, QuoteService quotes, TimeProvider time,
    IOptions<QuoteStreamOptions> options, ILogger<QuoteBroadcaster> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, QuoteVersion> _lastPushed = new(StringComparer.Ordinal);

    /// <summary>Subscribers with something new in the current push (only the broadcaster's loop uses it).</summary>
    private readonly HashSet<QuoteStreamOutbox> _toWake = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await PushChangedQuotesAsync(stoppingToken);
                }
                // Only shutdown ends the loop: any other failure, a stray cancellation included, must not stop the host.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "Quote push failed; retrying on the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PushChangedQuotesAsync(CancellationToken cancellationToken)
    {
        var symbols = hub.Symbols.ToArray();
        foreach (var gone in _lastPushed.Keys.Except(symbols)) _lastPushed.TryRemove(gone, out _);
        if (symbols.Length == 0) return;

        var changed = new ConcurrentQueue<(string Symbol, Quote Quote)>();
        var failures = new ConcurrentQueue<Exception>();
        await Parallel.ForEachAsync(symbols, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (symbol, ct) =>
            {
                QuoteResult result;
                try
                {
                    result = await quotes.GetQuoteAsync(symbol, ct);
                }
                // One symbol's failure must not cancel the push of the others (Parallel.ForEachAsync would); logged once per push.
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    failures.Enqueue(ex);
                    return;
                }
                if (result.Quote is not { } quote) return;
                var version = new QuoteVersion(quote.Price, quote.VendorTimestamp, quote.Provider, quote.Stale);
                if (_lastPushed.TryGetValue(symbol, out var last) && last == version) return;
                _lastPushed[symbol] = version;
                changed.Enqueue((symbol, quote));
            });
        if (failures.TryPeek(out var first))
        {
            logger.LogError(first, "Quotes for {Failed} of {Subscribed} subscribed symbols failed; the others were pushed", failures.Count, symbols.Length);
        }
        await PublishAsync(changed, cancellationToken);
    }

    /// <summary>
    /// Queues every changed quote of this push with its subscribers first, then wakes each subscriber once: a client
    /// subscribed to several changed symbols gets them in one wake-up, which its writer sends as one batch.
    /// </summary>
    private async Task PublishAsync(IEnumerable<(string Symbol, Quote Quote)> changed, CancellationToken cancellationToken)
    {
        var publishedAt = time.GetUtcNow();
        foreach (var (symbol, quote) in changed)
        {
            var message = ServerMessages.QuoteUpdate(quote, publishedAt);
            foreach (var subscriber in hub.SubscribersOf(symbol))
            {
                if (subscriber.EnqueueQuote(symbol, message, quote, wake: false)) _toWake.Add(subscriber);
            }
        }
        try
        {
            await WakeInSlicesAsync(_toWake, cancellationToken);
        }
        finally
        {
            _toWake.Clear();
        }
    }

    /// <summary>
    /// Wakes every subscriber, <see cref="WakeSlice"/> at a time. Between slices the woken writers and the sends they
    /// queue run first (the thread pool's queue is FIFO and the delay's continuation joins it last), so the transport's
    /// blocks in flight stay at a slice's worth instead of one per subscriber and Kestrel's pool does not grow to
    /// thousands of idle blocks. The delay is real time on purpose: it yields to the thread pool, it measures nothing.
    /// </summary>
    internal static async Task WakeInSlicesAsync(IEnumerable<QuoteStreamOutbox> subscribers, CancellationToken cancellationToken)
    {
        var woken = 0;
        foreach (var subscriber in subscribers)
        {
            subscriber.Wake();
            if (++woken % WakeSlice == 0) await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        }
    }

    /// <summary>Subscribers woken at once in a push (see <see cref="WakeInSlicesAsync"/>).</summary>
    internal const int WakeSlice = 256;

    /// <summary>What makes an update worth pushing: a new price, a newer vendor time, another provider, or staleness.</summary>
    private readonly record struct QuoteVersion(decimal Price, DateTimeOffset VendorTimestamp, string Provider, bool Stale);
}
