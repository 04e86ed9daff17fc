using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Telemetry;
using StackExchange.Redis;

namespace NexusTrade.Api.Caching;

public static class QuoteCacheExtensions
{
    /// <summary>
    /// The Redis connection named <c>redis</c> (from Aspire), HybridCache over it (metered L1 memory and L2 Redis on
    /// that same connection) and the quote cache on top.
    /// </summary>
    public static IHostApplicationBuilder AddQuoteCache(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis",
            settings =>
            {
                // Our own check reports Redis down as Degraded: the API still answers, from providers.
                settings.DisableHealthChecks = true;
                // A span per Redis command is only worth its cost when traces are exported (as in ServiceDefaults).
                settings.DisableTracing = !ServiceDefaultsExtensions.TracesExported(builder.Configuration);
            },
            options =>
            {
                options.AbortOnConnectFail = false;
                // While Redis is down, fail cache calls at once instead of queueing them behind the reconnect.
                options.BacklogPolicy = BacklogPolicy.FailFast;
                options.ConnectTimeout = 2_000;
                options.AsyncTimeout = 500;
                options.SyncTimeout = 500;
                options.ConnectRetry = 1;
            });

        builder.Services.AddSingleton<IMemoryCache>(sp =>
            new MeteredMemoryCache(new MemoryCache(Options.Create(new MemoryCacheOptions())), sp.GetRequiredService<NexusTradeMetrics>()));
        builder.Services.AddSingleton<IDistributedCache>(sp =>
        {
            var redis = sp.GetRequiredService<IConnectionMultiplexer>();
            // Not owned by the container: the shared connection is Aspire's to dispose, not the distributed cache's.
            var l2 = new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(redis),
                InstanceName = "nexustrade:fresh:",
            }));
            return new MeteredDistributedCache(l2, sp.GetRequiredService<NexusTradeMetrics>(), sp.GetRequiredService<ILogger<MeteredDistributedCache>>());
        });
        builder.Services.AddHybridCache();

        builder.Services.AddSingleton<QuoteCache>();
        builder.Services.AddHealthChecks().AddCheck<RedisCacheHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }
}
