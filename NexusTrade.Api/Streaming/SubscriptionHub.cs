using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace NexusTrade.Api.Streaming;

/// <summary>Who is subscribed to what (each connection by its outbox), and how many connections are open, over all WebSocket clients.</summary>
public sealed class SubscriptionHub(IOptions<QuoteStreamOptions> options)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<QuoteStreamOutbox, byte>> _subscribers = new(StringComparer.Ordinal);
    private int _connections;

    public ICollection<string> Symbols => _subscribers.Keys;

    public bool TryOpenConnection()
    {
        var max = options.Value.MaxConnections;
        while (true)
        {
            var current = Volatile.Read(ref _connections);
            if (current >= max) return false;
            if (Interlocked.CompareExchange(ref _connections, current + 1, current) == current) return true;
        }
    }

    public void ReleaseConnection() => Interlocked.Decrement(ref _connections);

    /// <summary>False when the symbol would exceed the server-wide cap on distinct streamed symbols.</summary>
    public bool Subscribe(QuoteStreamOutbox subscriber, string symbol)
    {
        if (!_subscribers.ContainsKey(symbol) && _subscribers.Count >= options.Value.MaxDistinctSymbols) return false;
        _subscribers.GetOrAdd(symbol, _ => new ConcurrentDictionary<QuoteStreamOutbox, byte>()).TryAdd(subscriber, 0);
        return true;
    }

    public void Unsubscribe(QuoteStreamOutbox subscriber, string symbol)
    {
        if (!_subscribers.TryGetValue(symbol, out var subscribers)) return;
        subscribers.TryRemove(subscriber, out _);
        // Drop the symbol only if nobody re-subscribed in between.
        if (subscribers.IsEmpty) _subscribers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<QuoteStreamOutbox, byte>>(symbol, subscribers));
    }

    public IEnumerable<QuoteStreamOutbox> SubscribersOf(string symbol) =>
        _subscribers.TryGetValue(symbol, out var subscribers) ? subscribers.Keys : [];
}
