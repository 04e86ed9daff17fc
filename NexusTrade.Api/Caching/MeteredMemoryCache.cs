using Microsoft.Extensions.Caching.Memory;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Caching;

/// <summary>
/// The quote cache's L1 (this process's memory), as HybridCache reads it: every read is one lookup counted with
/// <c>cache_layer="l1"</c> (not timed: see <see cref="NexusTradeMetrics.CacheLookup"/>). HybridCache reads L1 once per request, before it joins or starts a fetch.
/// </summary>
public sealed class MeteredMemoryCache(MemoryCache inner, NexusTradeMetrics metrics) : IMemoryCache
{
    public bool TryGetValue(object key, out object? value)
    {
        var found = inner.TryGetValue(key, out value);
        metrics.CacheLookup(QuoteCache.Name, CacheLayer.L1, found ? CacheResult.Hit : CacheResult.Miss);
        return found;
    }

    public ICacheEntry CreateEntry(object key) => inner.CreateEntry(key);

    public void Remove(object key) => inner.Remove(key);

    public void Dispose() => inner.Dispose();
}
