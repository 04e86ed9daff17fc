using Microsoft.Extensions.Options;
using NexusTrade.MarketFeed;
using NexusTrade.MarketFeed.Faults;
using NexusTrade.MarketFeed.Quotes;

namespace NexusTrade.Tests.MarketFeed;

public sealed class MarketFeedTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Prices_walk_plausibly_and_stay_consistent()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch.AddYears(56));
        var book = new PriceBook(time, Options.Create(new MarketFeedOptions { ApiKey = "12345678", Volatility = 0.4 }));
        var first = book.Quote("AAPL");
        Assert.InRange(first.Current, 1m, 10_000m);

        var prices = new List<decimal>();
        for (var i = 0; i < 500; i++)
        {
            time.Now = time.Now.AddMinutes(1);
            var quote = book.Quote("AAPL");
            prices.Add(quote.Current);
            Assert.True(quote.High >= quote.Current && quote.Current >= quote.Low, "low <= price <= high");
            Assert.Equal(quote.Current - quote.PreviousClose, quote.Change);
            Assert.Equal(time.Now.ToUnixTimeSeconds(), quote.Timestamp);
        }
        Assert.True(prices.Distinct().Count() > 100, "the price moves");
        Assert.InRange(prices.Max() / prices.Min(), 1.0001m, 1.5m);
        Assert.NotEqual(book.Quote("AAPL").PreviousClose, book.Quote("MSFT").PreviousClose);
    }

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(1.5, 0)]
    [InlineData(0.5, -1)]
    [InlineData(0.5, FaultSettings.MaxLatencyMs + 1)]
    public void Fault_settings_out_of_range_are_refused(double errorRate, int latencyMs) =>
        Assert.NotEmpty(new FaultSettings(errorRate, latencyMs).Validate());
}
