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
/// order; when all of them fail, the last cached value is served marked stale, or the caller learns why there is none.
/// </summary>
public sealed class QuoteService(QuoteCache cache, ProviderChain providers, NexusTradeMetrics metrics, TimeProvider time)
{
    public async Task<QuoteResult> GetQuoteAsync(string symbol, CancellationToken cancellationToken)
    {
        var (cached, fresh) = await cache.GetAsync(symbol, cancellationToken);
        if (fresh)
        {
            metrics.QuoteServed(QuoteSource.Cache);
            return QuoteResult.Ok(Quote.From(cached!, fromCache: true, stale: false, time.GetUtcNow()));
        }

        var fetched = await providers.FetchAsync(symbol, cancellationToken);
        switch (fetched.Status)
        {
            case ProviderChainStatus.Found:
                await cache.SetAsync(fetched.Quote!, cancellationToken);
                metrics.QuoteServed(QuoteSource.Provider);
                return QuoteResult.Ok(Quote.From(fetched.Quote!, fromCache: false, stale: false, time.GetUtcNow()));
            case ProviderChainStatus.UnknownSymbol:
                return new QuoteResult(QuoteStatus.NotFound, null, $"No provider knows the symbol '{symbol}'.");
        }

        if (cached is not null)
        {
            metrics.QuoteServed(QuoteSource.Stale);
            return QuoteResult.Ok(Quote.From(cached, fromCache: true, stale: true, time.GetUtcNow()));
        }

        metrics.QuoteUnavailable();
        return new QuoteResult(QuoteStatus.Unavailable, null, fetched.FailureSummary);
    }
}
