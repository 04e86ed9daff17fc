using System.Text.Json;
using StackExchange.Redis;

namespace NexusTrade.Api.Caching;

/// <summary>What counts as a cache failure (answered from providers instead), as opposed to a bug or a caller's cancellation.</summary>
internal static class CacheFailures
{
    public static bool IsCacheFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is RedisException or TimeoutException or JsonException or ObjectDisposedException || IsRedisCancellation(ex, cancellationToken);

    /// <summary>
    /// A cancelled Redis call that the caller did not cancel: StackExchange.Redis cancels in-flight commands when Redis
    /// stalls (seen with a SIGSTOPped server), and that must count as a cache failure, not escape as a cancellation.
    /// </summary>
    private static bool IsRedisCancellation(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;
}
