using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;
using StackExchange.Redis;

namespace NexusTrade.Api.Caching;

/// <summary>
/// Quotes in Redis, kept for <see cref="QuoteOptions.StaleRetention"/> so that the last value can still be served
/// (marked stale) when every provider fails. Freshness is decided by the caller from <see cref="VendorQuote.FetchedAt"/>.
/// A Redis failure is counted and logged, then treated as a miss: the cache can only make answers faster, never fail them.
/// </summary>
public sealed class QuoteCache(IConnectionMultiplexer redis, NexusTradeMetrics metrics, TimeProvider time,
    IOptions<QuoteOptions> options, ILogger<QuoteCache> logger)
{
    public const string Name = "quotes";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static RedisKey Key(string symbol) => "nexustrade:quote:" + symbol;

    /// <summary>The cached quote (fresh or not) and whether it is still within the cache TTL.</summary>
    public readonly record struct Lookup(VendorQuote? Quote, bool Fresh);

    public async Task<Lookup> GetAsync(string symbol, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key(symbol)).WaitAsync(cancellationToken);
            var quote = value.HasValue ? JsonSerializer.Deserialize<VendorQuote>(value.ToString(), Json) : null;
            var fresh = quote is not null && time.GetUtcNow() - quote.FetchedAt < options.Value.CacheTtl;
            metrics.CacheLookup(Name, fresh ? CacheResult.Hit : CacheResult.Miss, Stopwatch.GetElapsedTime(started));
            return new Lookup(quote, fresh);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException or ObjectDisposedException || IsRedisCancellation(ex, cancellationToken))
        {
            metrics.CacheLookup(Name, CacheResult.Error, Stopwatch.GetElapsedTime(started));
            logger.LogWarning("Quote cache read failed for a symbol; serving from providers: {Error}", ex.Message);
            return default;
        }
    }

    public async Task SetAsync(VendorQuote quote, CancellationToken cancellationToken)
    {
        try
        {
            var json = JsonSerializer.Serialize(quote, Json);
            await redis.GetDatabase().StringSetAsync(Key(quote.Symbol), json, options.Value.StaleRetention).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException || IsRedisCancellation(ex, cancellationToken))
        {
            logger.LogWarning("Quote cache write failed: {Error}", ex.Message);
        }
    }

    /// <summary>
    /// A cancelled Redis call that the caller did not cancel: StackExchange.Redis cancels in-flight commands when Redis
    /// stalls (seen with a SIGSTOPped server), and that must count as a cache failure, not escape as a cancellation.
    /// </summary>
    private static bool IsRedisCancellation(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;
}
