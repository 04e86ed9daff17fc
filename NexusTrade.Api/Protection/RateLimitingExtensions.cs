using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Configuration;
using NexusTrade.Api.Http;

namespace NexusTrade.Api.Protection;

public static class RateLimitingExtensions
{
    /// <summary>
    /// Flood protection: each client (by address, forwarded by a trusted proxy, or by API key: <see cref="ClientIdentityExtensions"/>)
    /// gets a token bucket; past it, 429 problem+json with
    /// Retry-After. Probes and scrapes are exempt so that monitoring never competes with clients for the budget.
    /// The ASP.NET Core rate-limiting meter counts every decision (<c>aspnetcore_rate_limiting_requests_total</c>).
    /// </summary>
    public static IHostApplicationBuilder AddRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.AddClientIdentity();
        builder.Services.AddValidatedOptions<RateLimitingOptions>(RateLimitingOptions.SectionName);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((limiter, settings) =>
        {
            var budget = settings.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !budget.Enabled || ServiceDefaultsExtensions.IsInfrastructurePath(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("infrastructure")
                    : RateLimitPartition.GetTokenBucketLimiter(context.ClientPartition(), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = budget.Burst,
                        TokensPerPeriod = budget.PermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problems.RateLimited($"This client exceeded {budget.PermitsPerSecond} requests per second; retry after {retryAfter} s.")
                    .ExecuteAsync(rejected.HttpContext);
            };
        });
        return builder;
    }
}
