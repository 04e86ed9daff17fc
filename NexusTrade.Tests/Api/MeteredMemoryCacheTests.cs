using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Caching;
using NexusTrade.Api.Quotes;

namespace NexusTrade.Tests.Api;

public sealed class MeteredMemoryCacheTests
{
    [Fact]
    public async Task HybridCache_reads_its_L1_through_the_metered_cache_once_per_request()
    {
        using var recorded = new RecordedMetrics();
        var services = new ServiceCollection()
            .AddSingleton<IMemoryCache>(new MeteredMemoryCache(new MemoryCache(Options.Create(new MemoryCacheOptions())), recorded.Metrics));
        services.AddHybridCache();
        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<HybridCache>();
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(1) };

        var calls = 0;
        for (var i = 0; i < 3; i++) await cache.GetOrCreateAsync("quote:AAPL", _ => ValueTask.FromResult(Quote(++calls)), options);

        Assert.Equal(1, calls);
        Assert.Equal(1, recorded.Sum("nexustrade.cache.lookups", ("cache.layer", "l1"), ("cache.result", "miss")));
        Assert.Equal(2, recorded.Sum("nexustrade.cache.lookups", ("cache.layer", "l1"), ("cache.result", "hit")));
    }

    private static VendorQuote Quote(int n) => new("AAPL", n, 0, 0, 1, 1, 1, 1, DateTimeOffset.UnixEpoch, "p", DateTimeOffset.UnixEpoch);
}
