using NexusTrade.Api.Caching;
using StackExchange.Redis;

namespace NexusTrade.Tests.Api;

/// <summary>
/// Which exceptions of a Redis call the quote cache absorbs (answering from providers) and which it lets through. The
/// stack's RedisStallTests exercises the real teardown (SIGSTOP); this pins the classification it depends on.
/// </summary>
public sealed class CacheFailuresTests
{
    public static TheoryData<Exception> TeardownFailures() => new()
    {
        new RedisConnectionException(ConnectionFailureType.SocketFailure, "No connection is active/available"),
        new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent),
        new TaskCanceledException("A task was canceled."),
        // What StackExchange.Redis's pipe raised in-flight when a stalled connection was torn down (500s before).
        new InvalidOperationException("Reading is not allowed after reader was completed."),
    };

    [Theory]
    [MemberData(nameof(TeardownFailures))]
    public void A_failure_while_Redis_stalls_is_a_cache_failure(Exception failure) =>
        Assert.True(CacheFailures.IsCacheFailure(failure, CancellationToken.None));

    [Fact]
    public void The_callers_own_cancellation_is_not_a_cache_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.False(CacheFailures.IsCacheFailure(new OperationCanceledException(cancelled.Token), cancelled.Token));
    }

    [Fact]
    public void A_Redis_failure_while_the_caller_cancels_is_still_a_cache_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        // Not a cancellation: the failure is Redis's, and the caller learns of its own cancellation where it awaits next.
        Assert.True(CacheFailures.IsCacheFailure(new RedisConnectionException(ConnectionFailureType.SocketFailure, "gone"), cancelled.Token));
    }
}
