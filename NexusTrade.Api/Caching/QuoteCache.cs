using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Providers;
using NexusTrade.Api.Quotes;
using StackExchange.Redis;

namespace NexusTrade.Api.Caching;

/// <summary>
/// Fresh quotes through HybridCache (L1 memory, L2 Redis, for <see cref="QuoteOptions.CacheTtl"/>): concurrent misses
/// for one symbol join a single provider fetch (single-flight), which callers wait for within their own cancellation.
/// Each fetched quote is also kept in Redis for <see cref="QuoteOptions.StaleRetention"/> as the last known value,
/// served (marked stale) when every provider fails. Redis failures only cost speed: they are counted and logged.
/// </summary>
public sealed class QuoteCache(HybridCache fresh, IConnectionMultiplexer redis, IOptions<QuoteOptions> options, ILogger<QuoteCache> logger)
{
    public const string Name = "quotes";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HybridCacheEntryOptions _freshEntry = new() { Expiration = options.Value.CacheTtl, LocalCacheExpiration = options.Value.CacheTtl };

    /// <summary>What a cached fetch gave: the quote, or why the providers had none.</summary>
    public readonly record struct Fetch(VendorQuote? Quote, ProviderChainResult? Failure);

    /// <summary>The fresh quote from L1 or L2, or else from <paramref name="fetch"/>: once per symbol, however many callers wait.</summary>
    public async Task<Fetch> GetOrFetchAsync(string symbol, Func<string, CancellationToken, Task<ProviderChainResult>> fetch,
        CancellationToken cancellationToken)
    {
        try
        {
            var quote = await fresh.GetOrCreateAsync("quote:" + symbol, (symbol, fetch, cache: this),
                static async (state, ct) =>
                {
                    var result = await state.fetch(state.symbol, ct);
                    // Throwing keeps a failure out of the cache; every joined caller sees it.
                    if (result.Status != ProviderChainStatus.Found) throw new NoQuoteFetched(result);
                    await state.cache.KeepLastKnownAsync(result.Quote!, ct);
                    return result.Quote!;
                }, _freshEntry, cancellationToken: cancellationToken);
            return new Fetch(quote, null);
        }
        catch (NoQuoteFetched failed)
        {
            return new Fetch(null, failed.Result);
        }
    }

    /// <summary>The last value fetched for the symbol within the stale retention, or null (also when Redis fails).</summary>
    public async Task<VendorQuote?> GetLastKnownAsync(string symbol, CancellationToken cancellationToken)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(LastKnownKey(symbol)).WaitAsync(cancellationToken);
            return value.HasValue ? JsonSerializer.Deserialize<VendorQuote>(value.ToString(), Json) : null;
        }
        catch (Exception ex) when (CacheFailures.IsCacheFailure(ex, cancellationToken))
        {
            logger.LogWarning("Last-known quote read failed: {ErrorType}: {Error}", ex.GetType().Name, ex.Message);
            return null;
        }
    }

    private async Task KeepLastKnownAsync(VendorQuote quote, CancellationToken cancellationToken)
    {
        try
        {
            var json = JsonSerializer.Serialize(quote, Json);
            await redis.GetDatabase().StringSetAsync(LastKnownKey(quote.Symbol), json, options.Value.StaleRetention).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (CacheFailures.IsCacheFailure(ex, cancellationToken))
        {
            logger.LogWarning("Last-known quote write failed: {ErrorType}: {Error}", ex.GetType().Name, ex.Message);
        }
    }

    private static RedisKey LastKnownKey(string symbol) => "nexustrade:quote:" + symbol;

    private sealed class NoQuoteFetched(ProviderChainResult result) : Exception("No quote fetched: " + result.Status)
    {
        public ProviderChainResult Result { get; } = result;
    }
}
