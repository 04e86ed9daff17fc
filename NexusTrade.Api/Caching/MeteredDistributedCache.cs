using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Caching;

/// <summary>
/// The quote cache's L2 (Redis), as HybridCache uses it: each read is a lookup counted with <c>cache_layer="l2"</c>,
/// and a Redis failure is counted, logged and treated as a miss (a write failure as done): the cache can only make
/// answers faster, never fail them.
/// </summary>
public sealed class MeteredDistributedCache(IDistributedCache inner, NexusTradeMetrics metrics, ILogger<MeteredDistributedCache> logger)
    : IDistributedCache
{
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var value = await inner.GetAsync(key, token).WaitAsync(token);
            metrics.CacheLookup(QuoteCache.Name, CacheLayer.L2, value is null ? CacheResult.Miss : CacheResult.Hit, Stopwatch.GetElapsedTime(started));
            return value;
        }
        catch (Exception ex) when (CacheFailures.IsCacheFailure(ex, token))
        {
            metrics.CacheLookup(QuoteCache.Name, CacheLayer.L2, CacheResult.Error, Stopwatch.GetElapsedTime(started));
            logger.LogWarning("Quote cache read failed for a symbol; serving from providers: {ErrorType}: {Error}", ex.GetType().Name, ex.Message);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        TolerateAsync(inner.SetAsync(key, value, options, token), "write", token);

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public Task RefreshAsync(string key, CancellationToken token = default) => TolerateAsync(inner.RefreshAsync(key, token), "refresh", token);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) => TolerateAsync(inner.RemoveAsync(key, token), "remove", token);

    private async Task TolerateAsync(Task operation, string what, CancellationToken token)
    {
        try
        {
            await operation.WaitAsync(token);
        }
        catch (Exception ex) when (CacheFailures.IsCacheFailure(ex, token))
        {
            logger.LogWarning("Quote cache {Operation} failed: {ErrorType}: {Error}", what, ex.GetType().Name, ex.Message);
        }
    }
}
