using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Http;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Quotes;

public static class QuoteEndpoints
{
    public static IEndpointRouteBuilder MapQuoteEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var quotes = endpoints.MapGroup("/api/quotes").WithTags("Quotes");
        quotes.MapGet("/{symbol}", GetQuoteAsync)
            .WithName("GetQuote")
            .WithSummary("One quote")
            .WithDescription("The latest quote for one symbol: from the cache while fresh, otherwise from the first provider that answers, "
                + "otherwise the last cached value marked stale. 400 for an invalid symbol, 404 for one no provider knows, 503 when none can be served.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        quotes.MapGet("", GetQuotesAsync)
            .WithName("GetQuotes")
            .WithSummary("Several quotes")
            .WithDescription("Quotes for a comma-separated ?symbols= list (duplicates answered once): {quotes:[...], errors:[...]}. "
                + "400 for a missing, too long or invalid list, 503 when no quote at all could be served.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<Quote>, ProblemHttpResult>> GetQuoteAsync(string symbol, QuoteService quotes, NexusTradeMetrics metrics,
        CancellationToken cancellationToken)
    {
        if (!SymbolRules.TryNormalize(symbol, out var normalized))
        {
            return InvalidSymbol(symbol);
        }

        var result = await quotes.GetQuoteAsync(normalized, cancellationToken);
        if (result.Quote is { } quote) metrics.QuoteDelivered(DeliveryChannel.Rest, quote);
        return result.Status switch
        {
            QuoteStatus.Ok => TypedResults.Ok(result.Quote!),
            QuoteStatus.NotFound => Problems.NotFound("Unknown symbol", result.Reason!),
            _ => Problems.Unavailable("Quote unavailable", result.Reason!),
        };
    }

    private static async Task<Results<Ok<QuoteBatch>, ProblemHttpResult>> GetQuotesAsync(HttpContext http, QuoteService quotes,
        NexusTradeMetrics metrics, IOptions<QuoteOptions> options, CancellationToken cancellationToken)
    {
        var raw = http.Request.Query["symbols"];
        if (raw.Count != 1 || string.IsNullOrWhiteSpace(raw[0]))
        {
            return Problems.BadRequest("Missing symbols", "Pass one 'symbols' query parameter with a comma-separated list, for example ?symbols=AAPL,MSFT.");
        }

        var parts = raw[0]!.Split(',', StringSplitOptions.TrimEntries);
        var max = options.Value.MaxSymbolsPerRequest;
        if (parts.Length > max)
        {
            return Problems.BadRequest("Too many symbols", $"At most {max} symbols per request; {parts.Length} were given.");
        }

        var symbols = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            if (!SymbolRules.TryNormalize(part, out var symbol))
            {
                return InvalidSymbol(part);
            }
            if (!symbols.Contains(symbol)) symbols.Add(symbol);
        }

        var results = await Task.WhenAll(symbols.Select(s => quotes.GetQuoteAsync(s, cancellationToken)));
        var served = results.Where(r => r.Status == QuoteStatus.Ok).Select(r => r.Quote!).ToArray();
        foreach (var quote in served) metrics.QuoteDelivered(DeliveryChannel.Rest, quote);
        var errors = symbols.Zip(results).Where(p => p.Second.Status != QuoteStatus.Ok)
            .Select(p => new QuoteError(p.First, p.Second.Status == QuoteStatus.NotFound ? "not_found" : "unavailable", p.Second.Reason!))
            .ToArray();

        if (served.Length == 0 && errors.Any(e => e.Error == "unavailable"))
        {
            return Problems.Unavailable("Quotes unavailable", string.Join(" ", errors.Select(e => $"{e.Symbol}: {e.Reason}")));
        }
        return TypedResults.Ok(new QuoteBatch(served, errors));
    }

    private static ProblemHttpResult InvalidSymbol(string raw) =>
        Problems.BadRequest("Invalid symbol", $"'{SymbolRules.Excerpt(raw)}' is not a valid symbol: {SymbolRules.Description}.");

    public sealed record QuoteError(string Symbol, string Error, string Reason);

    public sealed record QuoteBatch(IReadOnlyList<Quote> Quotes, IReadOnlyList<QuoteError> Errors);
}
