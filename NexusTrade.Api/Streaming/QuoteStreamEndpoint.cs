using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NexusTrade.Api.Http;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

public static class QuoteStreamEndpoint
{
    public const string Path = "/ws/quotes";

    /// <summary><c>GET /ws/quotes</c>: a WebSocket of live quotes for the symbols the client subscribes to.</summary>
    public static IEndpointRouteBuilder MapQuoteStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, StreamQuotesAsync)
            .WithName("StreamQuotes")
            .WithTags("Quotes")
            .WithSummary("Live quotes over a WebSocket")
            .WithDescription("Send {\"action\":\"subscribe\",\"symbols\":[...]}, unsubscribe or ping; the server answers ack or pong and pushes "
                + "{\"type\":\"quote\",...} when a subscribed quote changes. 400 without a WebSocket upgrade; at the connection cap the upgrade is accepted and closed at once with 1013 "
                + "(try again later, reason \"server at capacity: retry in 5 s\").")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamQuotesAsync(HttpContext context, SubscriptionHub hub,
        QuoteService quotes, NexusTradeMetrics metrics, IOptions<QuoteStreamOptions> options, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problems.BadRequest("WebSocket required", $"{Path} streams quotes over a WebSocket: connect with an Upgrade: websocket request.");
        }
        if (!hub.TryOpenConnection())
        {
            metrics.WebSocketRejected();
            await RejectAtCapacityAsync(context);
            return TypedResults.Empty;
        }

        try
        {
            await QuoteStreamSession.AcceptAndRunAsync(context, hub, quotes, metrics, options.Value, loggers.CreateLogger<QuoteStreamSession>(),
                lifetime.ApplicationStopping);
            return TypedResults.Empty;
        }
        finally
        {
            hub.ReleaseConnection();
        }
    }

    /// <summary>
    /// Accepts the upgrade only to close it with 1013: a WebSocket client (a browser above all) sees the close code and
    /// reason, whereas a refused upgrade reaches its code as a bare "connection failed". The reason carries the retry hint
    /// the former 503's Retry-After gave. The connection never counts as opened (only <c>websocket_rejected_total</c>).
    /// </summary>
    private static async Task RejectAtCapacityAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await socket.CloseAsync(StreamClose.AtConnectionCapacity.Status, StreamClose.AtConnectionCapacity.Reason, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The client went away or never answered the close: nothing more is owed to it.
        }
    }
}
