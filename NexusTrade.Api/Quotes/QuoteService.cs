using NexusTrade.Api.Caching;
using NexusTrade.Api.Providers;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Quotes;

public enum QuoteStatus { Ok, NotFound, Unavailable }

public sealed record QuoteResult(QuoteStatus Status, Quote? Quote, string? Reason)
{
    public static QuoteResult Ok(Quote quote) => new(QuoteStatus.Ok, quote, null);
}

/// <summary>
/// Cache-aside over the provider chain: a fresh cached quote is served as is; otherwise the providers are asked in
/// order (once per symbol however many requests miss together); when all of them fail, the last known value is
/// served marked stale, or the caller learns why there is none.
/// </summary>
public sealed class QuoteService(QuoteCache cache, ProviderChain providers, NexusTradeMetrics metrics, TimeProvider time)
{
    public async Task<QuoteResult> GetQuoteAsync(string symbol, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        var fetch = await cache.GetOrFetchAsync(symbol, providers.FetchAsync, cancellationToken);
        if (fetch.Quote is { } quote)
        {
            // Fetched while this request waited (by it, or by the one it joined): from a provider; otherwise from the cache.
            var fromCache = quote.FetchedAt < asked;
            metrics.QuoteServed(fromCache ? QuoteSource.Cache : QuoteSource.Provider);
            return QuoteResult.Ok(Quote.From(quote, fromCache, stale: false, time.GetUtcNow()));
        }
        if (fetch.Failure!.Status == ProviderChainStatus.UnknownSymbol)
        {
            return new QuoteResult(QuoteStatus.NotFound, null, $"No provider knows the symbol '{symbol}'.");
        }

        if (await cache.GetLastKnownAsync(symbol, cancellationToken) is { } lastKnown)
        {
            metrics.QuoteServed(QuoteSource.Stale);
            return QuoteResult.Ok(Quote.From(lastKnown, fromCache: true, stale: true, time.GetUtcNow()));
        }

        metrics.QuoteUnavailable();
        return new QuoteResult(QuoteStatus.Unavailable, null, fetch.Failure.FailureSummary);
    }
}
