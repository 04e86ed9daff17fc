using StackExchange.Redis;

namespace NexusTrade.Api.Caching;

public static class QuoteCacheExtensions
{
    /// <summary>The Redis connection named <c>redis</c> (from Aspire) and the quote cache on top of it.</summary>
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
        builder.Services.AddSingleton<QuoteCache>();
        builder.Services.AddHealthChecks().AddCheck<RedisCacheHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }
}
