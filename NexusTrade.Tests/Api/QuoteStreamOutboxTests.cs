using System.Net.WebSockets;
using NexusTrade.Api.Streaming;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

public sealed class QuoteStreamOutboxTests : IDisposable
{
    private readonly RecordedMetrics _recorded = new();

    public void Dispose() => _recorded.Dispose();

    private QuoteStreamOutbox Outbox(int maxPendingReplies = 4) => new(new QuoteStreamOptions { MaxPendingReplies = maxPendingReplies }, _recorded.Metrics);

    private long Dropped(string reason) => _recorded.Sum("nexustrade.websocket.messages.dropped", ("reason", reason));

    private static List<OutboxItem> TakeAll(QuoteStreamOutbox outbox)
    {
        var items = new List<OutboxItem>();
        while (outbox.TryTake(out var item)) items.Add(item);
        return items;
    }

    [Fact]
    public void Two_updates_for_one_symbol_leave_one_pending_update_the_newer_one()
    {
        var outbox = Outbox();
        outbox.EnqueueQuote("AAPL", [1]);
        outbox.EnqueueQuote("AAPL", [2]);
        outbox.EnqueueQuote("MSFT", [3]);

        Assert.Equal(2, outbox.PendingQuotes);
        Assert.Equal(1, Dropped("coalesced"));
        var sent = TakeAll(outbox);
        Assert.All(sent, item => Assert.Equal(StreamMessageKind.Quote, item.Kind));
        Assert.Equal([[2], [3]], sent.Select(item => item.Message).OrderBy(m => m[0]));
    }

    [Fact]
    public void Replies_go_out_in_order_before_quote_updates()
    {
        var outbox = Outbox();
        outbox.EnqueueQuote("AAPL", [9]);
        outbox.EnqueueReply([1], StreamMessageKind.Ack);
        outbox.EnqueueReply([2], StreamMessageKind.Pong);

        Assert.Equal([StreamMessageKind.Ack, StreamMessageKind.Pong, StreamMessageKind.Quote], TakeAll(outbox).Select(item => item.Kind));
    }

    [Fact]
    public void An_unsubscribed_symbol_loses_its_pending_update()
    {
        var outbox = Outbox();
        outbox.EnqueueQuote("AAPL", [1]);
        outbox.Forget("AAPL");
        Assert.Empty(TakeAll(outbox));
    }

    [Fact]
    public async Task Back_pressure_waits_while_the_replies_are_full_and_resumes_when_the_writer_takes_one()
    {
        var outbox = Outbox(maxPendingReplies: 2);
        outbox.EnqueueReply([1], StreamMessageKind.Pong);
        outbox.EnqueueReply([2], StreamMessageKind.Pong);

        var room = outbox.WaitForReplyRoomAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.Delay(200);
        Assert.False(room.IsCompleted, "no room while the replies are full");

        Assert.True(outbox.TryTake(out _));
        // Well before the 30 s timeout: the take itself wakes the waiter.
        Assert.True(await room.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(outbox.IsClosing);
    }

    [Fact]
    public async Task A_consumer_that_takes_nothing_for_the_timeout_is_closed_as_a_slow_consumer()
    {
        var outbox = Outbox(maxPendingReplies: 1);
        outbox.EnqueueReply([1], StreamMessageKind.Pong);
        outbox.EnqueueQuote("AAPL", [2]);

        Assert.False(await outbox.WaitForReplyRoomAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None));

        Assert.True(outbox.SlowConsumerDetected);
        var close = Assert.Single(TakeAll(outbox)).Close;
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close!.Status);
        Assert.Equal("slow consumer: replies are not being read", close.Reason);
        Assert.Equal(DisconnectReason.SlowConsumer, close.Metric);
        Assert.Equal(2, Dropped("queue_full"));
    }

    [Fact]
    public void A_reply_beyond_the_limit_closes_the_connection_as_a_slow_consumer()
    {
        var outbox = Outbox(maxPendingReplies: 2);
        outbox.EnqueueReply([1], StreamMessageKind.Pong);
        outbox.EnqueueReply([2], StreamMessageKind.Pong);
        outbox.EnqueueReply([3], StreamMessageKind.Pong);

        Assert.True(outbox.IsClosing);
        Assert.True(outbox.SlowConsumerDetected);
        Assert.Equal(StreamClose.RepliesNotRead, Assert.Single(TakeAll(outbox)).Close);
        Assert.Equal(3, Dropped("queue_full"));
    }

    [Fact]
    public void A_normal_close_still_sends_the_replies_queued_before_it_then_nothing_more()
    {
        var outbox = Outbox();
        outbox.EnqueueReply([1], StreamMessageKind.Ack);
        outbox.EnqueueQuote("AAPL", [2]);
        outbox.Close(StreamClose.ClientClosed);
        outbox.Close(StreamClose.Binary);
        outbox.EnqueueReply([3], StreamMessageKind.Pong);
        outbox.EnqueueQuote("MSFT", [4]);

        var sent = TakeAll(outbox);
        Assert.Equal(2, sent.Count);
        Assert.Equal(StreamMessageKind.Ack, sent[0].Kind);
        Assert.Equal(StreamClose.ClientClosed, sent[1].Close);
        Assert.False(outbox.SlowConsumerDetected);
        Assert.Equal(1, Dropped("queue_full"));
    }

    [Fact]
    public async Task The_writer_is_woken_by_a_new_message()
    {
        var outbox = Outbox();
        var wake = outbox.WaitToTakeAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(wake.IsCompleted);

        outbox.EnqueueQuote("AAPL", [1]);
        Assert.True(await wake.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(outbox.TryTake(out var item));
        Assert.Equal(StreamMessageKind.Quote, item.Kind);
    }
}
