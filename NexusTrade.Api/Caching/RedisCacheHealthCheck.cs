using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace NexusTrade.Api.Caching;

/// <summary>
/// Redis down makes quotes slower, not wrong, so readiness reports <see cref="HealthStatus.Degraded"/> (still HTTP 200)
/// instead of taking the API out of rotation.
/// </summary>
public sealed class RedisCacheHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception ex) when (CacheFailures.IsCacheFailure(ex, cancellationToken))
        {
            return HealthCheckResult.Degraded("Redis is unreachable: quotes are served from providers without a cache.", ex);
        }
    }
}
