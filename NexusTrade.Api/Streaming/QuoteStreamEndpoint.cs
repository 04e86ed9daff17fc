using Microsoft.Extensions.Options;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

public static class QuoteStreamEndpoint
{
    public const string Path = "/ws/quotes";

    /// <summary><c>GET /ws/quotes</c>: a WebSocket of live quotes for the symbols the client subscribes to.</summary>
    public static IEndpointRouteBuilder MapQuoteStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (HttpContext context, SubscriptionHub hub, QuoteService quotes, NexusTradeMetrics metrics,
            IOptions<QuoteStreamOptions> options, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Problems.BadRequest("WebSocket required", $"{Path} streams quotes over a WebSocket: connect with an Upgrade: websocket request.");
            }
            if (!hub.TryOpenConnection())
            {
                metrics.WebSocketRejected();
                context.Response.Headers.RetryAfter = "5";
                return Problems.TooManyConnections($"The server holds its maximum of {options.Value.MaxConnections} WebSocket connections; retry later.");
            }

            try
            {
                var settings = options.Value;
                using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    KeepAliveInterval = settings.KeepAliveInterval,
                    KeepAliveTimeout = settings.KeepAliveInterval * 2,
                });
                var session = new QuoteStreamSession(socket, hub, quotes, metrics, settings, loggers.CreateLogger<QuoteStreamSession>());
                await session.RunAsync(context.RequestAborted, lifetime.ApplicationStopping);
                return Results.Empty;
            }
            finally
            {
                hub.ReleaseConnection();
            }
        });
        return endpoints;
    }
}
