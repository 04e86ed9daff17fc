using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Streaming;

namespace NexusTrade.Tests.Api;

/// <summary>
/// The WebSocket connection cap, on the real endpoint in an in-process server with <c>QuoteStream:MaxConnections</c> = 1
/// (the shared stack keeps its production-size cap): the connection over the cap is accepted and closed with 1013 and
/// counted in <c>nexustrade_websocket_rejected_total</c>; once a slot is free, a new connection is served again.
/// </summary>
public sealed class QuoteStreamCapacityTests : IAsyncLifetime
{
    private readonly RecordedMetrics _recorded = new();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(_recorded.Metrics);
        builder.Services.AddSingleton(Options.Create(new QuoteStreamOptions { MaxConnections = 1 }));
        builder.Services.AddSingleton<SubscriptionHub>();
        // No test subscribes to a symbol, so the quote path is never asked for a quote.
        builder.Services.AddSingleton(new QuoteService(null!, null!, _recorded.Metrics, TimeProvider.System));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapQuoteStream();
        await _app.StartAsync();
    }

    [Fact]
    public async Task A_connection_over_the_cap_is_closed_with_1013_and_counted()
    {
        using var first = await ConnectAsync();
        using var second = await ConnectAsync();

        var frame = await second.ReceiveAsync(new byte[256], Timeout());

        Assert.Equal(WebSocketMessageType.Close, frame.MessageType);
        Assert.Equal(1013, (int)second.CloseStatus!.Value);
        Assert.Equal("server at capacity: retry in 5 s", second.CloseStatusDescription);
        Assert.Equal(1, _recorded.Sum("nexustrade.websocket.rejected"));
        Assert.Equal(WebSocketState.Open, first.State);
    }

    [Fact]
    public async Task A_freed_slot_serves_the_next_connection()
    {
        using (var first = await ConnectAsync())
        {
            await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Timeout());
        }

        // The server releases the slot when its session ends, shortly after the close handshake.
        for (var attempt = 0; ; attempt++)
        {
            using var next = await ConnectAsync();
            await next.SendAsync("""{"action":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, Timeout());
            var frame = await next.ReceiveAsync(new byte[256], Timeout());
            if (frame.MessageType == WebSocketMessageType.Text) break;
            Assert.True(attempt < 20, "every later connection was closed: the slot was never released");
            await Task.Delay(100);
        }
    }

    private async Task<WebSocket> ConnectAsync() =>
        await _app.GetTestServer().CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost" + QuoteStreamEndpoint.Path), Timeout());

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _recorded.Dispose();
    }
}
