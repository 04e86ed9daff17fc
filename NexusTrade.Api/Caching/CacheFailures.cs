namespace NexusTrade.Api.Caching;

/// <summary>What counts as a cache failure (answered from providers instead), as opposed to the caller's own cancellation.</summary>
internal static class CacheFailures
{
    /// <summary>
    /// Anything a Redis call throws, except the caller's cancellation. Not a list of types: when Redis stalls,
    /// StackExchange.Redis tears the connection down and fails in-flight commands with whatever the teardown raised:
    /// timeouts, <see cref="StackExchange.Redis.RedisConnectionException"/>, cancellations nobody asked for, and the
    /// pipe's <see cref="InvalidOperationException"/> ("Reading is not allowed after reader was completed"), which
    /// a type list missed and turned into 500s (RedisStallTests). The cache may only make answers faster, never fail them.
    /// </summary>
    public static bool IsCacheFailure(Exception ex, CancellationToken cancellationToken) =>
        !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
