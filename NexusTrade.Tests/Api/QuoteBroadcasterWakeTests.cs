using NexusTrade.Api.Streaming;

namespace NexusTrade.Tests.Api;

/// <summary>A push wakes its subscribers in slices (QuoteBroadcaster.WakeInSlicesAsync): every one of them, however many slices.</summary>
public sealed class QuoteBroadcasterWakeTests : IDisposable
{
    private readonly RecordedMetrics _recorded = new();

    public void Dispose() => _recorded.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(QuoteBroadcaster.WakeSlice)]
    [InlineData(2 * QuoteBroadcaster.WakeSlice + 1)]
    public async Task Every_subscriber_is_woken_across_the_slices(int subscribers)
    {
        var outboxes = Enumerable.Range(0, subscribers).Select(_ => new QuoteStreamOutbox(new QuoteStreamOptions(), _recorded.Metrics)).ToList();
        foreach (var outbox in outboxes) outbox.EnqueueQuote("AAPL", "{}"u8.ToArray(), wake: false);

        await QuoteBroadcaster.WakeInSlicesAsync(outboxes, CancellationToken.None);

        // A woken writer's wait completes at once; one left asleep would wait for the next push.
        var asleep = outboxes.Count(outbox => !outbox.WaitToTakeAsync(CancellationToken.None).IsCompleted);
        Assert.Equal(0, asleep);
    }
}
