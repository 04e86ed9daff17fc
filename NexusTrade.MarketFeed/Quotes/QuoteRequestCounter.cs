using System.Collections.Concurrent;

namespace NexusTrade.MarketFeed.Quotes;

/// <summary>
/// Every quote request that reached the simulator, in all and per symbol: what the vendor would bill and rate-limit,
/// so tests can count the provider calls one API behaviour causes (single-flight: one call per expiry).
/// </summary>
public sealed class QuoteRequestCounter
{
    /// <summary>Test traffic uses random symbols: past this many, new symbols are counted only in the total.</summary>
    public const int MaxTrackedSymbols = 100_000;

    private readonly ConcurrentDictionary<string, long> _bySymbol = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public long For(string symbol) => _bySymbol.GetValueOrDefault(symbol.ToUpperInvariant());

    public void Count(string? symbol)
    {
        Interlocked.Increment(ref _total);
        if (symbol is null) return;
        var key = symbol.ToUpperInvariant();
        if (_bySymbol.Count >= MaxTrackedSymbols && !_bySymbol.ContainsKey(key)) return;
        _bySymbol.AddOrUpdate(key, 1, static (_, n) => n + 1);
    }
}
