using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace NexusTrade.MarketFeed.Quotes;

/// <summary>
/// Plausible prices: each symbol starts from a price derived from its name and follows a geometric random walk
/// in time, so two calls a second apart differ a little and two calls an hour apart differ more.
/// </summary>
public sealed class PriceBook(TimeProvider time, IOptions<MarketFeedOptions> options)
{
    private const double SecondsPerYear = 365.25 * 24 * 3600;
    private readonly ConcurrentDictionary<string, SymbolWalk> _walks = new(StringComparer.Ordinal);

    public FinnhubQuote Quote(string symbol)
    {
        var walk = _walks.GetOrAdd(symbol, static (s, now) => SymbolWalk.Start(s, now), time.GetUtcNow());
        lock (walk)
        {
            walk.Advance(time.GetUtcNow(), options.Value.Volatility);
            // Derived fields from the rounded prices, so that c - pc == d exactly, as a vendor publishes them.
            var (price, previousClose) = (Round(walk.Price), Round(walk.PreviousClose));
            return new FinnhubQuote(
                price, price - previousClose, Math.Round((price - previousClose) / previousClose * 100, 2),
                Math.Max(Round(walk.High), price), Math.Min(Round(walk.Low), price), Round(walk.Open), previousClose,
                walk.UpdatedAt.ToUnixTimeSeconds());
        }
    }

    private static decimal Round(double value) => Math.Round((decimal)value, 2);

    private sealed class SymbolWalk
    {
        private readonly Random _random;
        public double Price, Open, High, Low, PreviousClose;
        public DateTimeOffset UpdatedAt;

        private SymbolWalk(Random random) => _random = random;

        public static SymbolWalk Start(string symbol, DateTimeOffset now)
        {
            // Stable per symbol (string.GetHashCode is randomised per process).
            var seed = symbol.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
            var random = new Random(seed);
            var previousClose = 20 + random.NextDouble() * 480;
            var open = previousClose * (1 + (random.NextDouble() - 0.5) * 0.02);
            return new SymbolWalk(new Random(unchecked(seed ^ Environment.TickCount)))
            {
                PreviousClose = previousClose, Open = open, Price = open, High = open, Low = open, UpdatedAt = now,
            };
        }

        public void Advance(DateTimeOffset now, double volatility)
        {
            var elapsed = (now - UpdatedAt).TotalSeconds;
            if (elapsed <= 0) return;
            // Box-Muller normal sample scaled by volatility * sqrt(dt).
            var normal = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
            Price *= Math.Exp(volatility * Math.Sqrt(elapsed / SecondsPerYear) * normal);
            High = Math.Max(High, Price);
            Low = Math.Min(Low, Price);
            UpdatedAt = now;
        }
    }
}
