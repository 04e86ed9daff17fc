using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using NexusTrade.MarketFeed.Faults;

namespace NexusTrade.MarketFeed.Quotes;

public static partial class FinnhubQuoteEndpoint
{
    [GeneratedRegex("^[A-Z0-9.:-]{1,20}$")]
    private static partial Regex SymbolPattern();

    /// <summary><c>GET /api/v1/quote?symbol=AAPL&amp;token=KEY</c>, answered (and failed) the way Finnhub does.</summary>
    public static IEndpointRouteBuilder MapFinnhubQuoteEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/quote", async (HttpContext http, string? symbol, string? token, PriceBook prices,
            FaultInjector faults, QuoteRequestCounter requests, IOptions<MarketFeedOptions> options, CancellationToken cancellationToken) =>
        {
            requests.Count(symbol);
            var apiKey = token ?? http.Request.Headers["X-Finnhub-Token"].ToString();
            if (!string.Equals(apiKey, options.Value.ApiKey, StringComparison.Ordinal))
            {
                return Results.Json(new { error = "Invalid API key." }, statusCode: StatusCodes.Status401Unauthorized);
            }
            if (symbol is null || !SymbolPattern().IsMatch(symbol))
            {
                return Results.Json(new { error = "Symbol is required and must be 1-20 characters of A-Z, 0-9, '.', ':' or '-'." },
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            var fault = await faults.ApplyAsync(cancellationToken);
            return fault ?? Results.Json(prices.Quote(symbol));
        });
        return endpoints;
    }
}
