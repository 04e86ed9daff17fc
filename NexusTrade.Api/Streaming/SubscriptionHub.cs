using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace NexusTrade.Api.Streaming;

/// <summary>Who is subscribed to what, and how many connections are open, over all WebSocket clients.</summary>
public sealed class SubscriptionHub(IOptions<QuoteStreamOptions> options)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<QuoteStreamSession, byte>> _subscribers = new(StringComparer.Ordinal);
    private int _connections;

    public int Connections => Volatile.Read(ref _connections);

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
    public bool Subscribe(QuoteStreamSession session, string symbol)
    {
        if (!_subscribers.ContainsKey(symbol) && _subscribers.Count >= options.Value.MaxDistinctSymbols) return false;
        _subscribers.GetOrAdd(symbol, _ => new ConcurrentDictionary<QuoteStreamSession, byte>()).TryAdd(session, 0);
        return true;
    }

    public void Unsubscribe(QuoteStreamSession session, string symbol)
    {
        if (!_subscribers.TryGetValue(symbol, out var sessions)) return;
        sessions.TryRemove(session, out _);
        // Drop the symbol only if nobody re-subscribed in between.
        if (sessions.IsEmpty) _subscribers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<QuoteStreamSession, byte>>(symbol, sessions));
    }

    public IEnumerable<QuoteStreamSession> SubscribersOf(string symbol) =>
        _subscribers.TryGetValue(symbol, out var sessions) ? sessions.Keys : [];
}
