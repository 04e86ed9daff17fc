using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Streaming;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Tests.Api;

/// <summary>
/// The session's slow-reader handling, against a peer that never reads: its sends never complete, as when the
/// TCP buffers towards a stalled client are full. (The real-network version of this runs in the integration tests.)
/// </summary>
public sealed class QuoteStreamSessionTests
{
    private sealed class StalledPeer : WebSocket
    {
        private readonly CancellationTokenSource _aborted = new();
        private WebSocketState _state = WebSocketState.Open;
        public int SendsStarted;

        public override WebSocketCloseStatus? CloseStatus => null;
        public override string? CloseStatusDescription => null;
        public override WebSocketState State => _state;
        public override string? SubProtocol => null;

        public override void Abort()
        {
            _state = WebSocketState.Aborted;
            _aborted.Cancel();
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => WaitForeverAsync(cancellationToken);
        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => WaitForeverAsync(cancellationToken);
        public override void Dispose() => _aborted.Dispose();

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            await WaitForeverAsync(cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref SendsStarted);
            return WaitForeverAsync(cancellationToken);
        }

        private async Task WaitForeverAsync(CancellationToken cancellationToken)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _aborted.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
            }
        }
    }

    [Fact]
    public async Task Updates_for_a_stalled_reader_are_coalesced_then_the_reader_is_disconnected()
    {
        using var recorded = new RecordedMetrics();

        var options = new QuoteStreamOptions { SendTimeout = TimeSpan.FromMilliseconds(300) };
        var peer = new StalledPeer();
        var session = new QuoteStreamSession(peer, new SubscriptionHub(Options.Create(options)), quotes: null!, recorded.Metrics, options, NullLogger.Instance);
        var run = session.RunAsync(CancellationToken.None, CancellationToken.None);

        session.Outbox.EnqueueQuote("AAPL", [1]);
        while (Volatile.Read(ref peer.SendsStarted) == 0) await Task.Delay(5);
        // The first update is stuck in the socket; the next ones for the same symbol replace each other.
        session.Outbox.EnqueueQuote("AAPL", [2]);
        session.Outbox.EnqueueQuote("AAPL", [3]);
        session.Outbox.EnqueueQuote("AAPL", [4]);

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketState.Aborted, peer.State);
        Assert.Equal(2, recorded.Sum("nexustrade.websocket.messages.dropped", ("reason", "coalesced")));
        Assert.True(recorded.Recorded("nexustrade.websocket.disconnects", ("reason", "slow_consumer")));
        Assert.Equal(0, recorded.Sum("nexustrade.websocket.connections"));
    }
}
