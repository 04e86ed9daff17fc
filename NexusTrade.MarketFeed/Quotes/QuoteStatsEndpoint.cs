namespace NexusTrade.MarketFeed.Quotes;

public static class QuoteStatsEndpoint
{
    /// <summary><c>GET /stats?symbol=AAPL</c>: quote requests received in all and, when asked, for one symbol.</summary>
    public static IEndpointRouteBuilder MapQuoteStatsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/stats", (string? symbol, QuoteRequestCounter counter) =>
            Results.Ok(new QuoteStats(counter.Total, symbol, symbol is null ? null : counter.For(symbol))));
        return endpoints;
    }

    public sealed record QuoteStats(long QuoteRequests, string? Symbol, long? SymbolRequests);
}
