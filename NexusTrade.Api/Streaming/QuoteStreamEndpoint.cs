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
                + "{\"type\":\"quote\",...} when a subscribed quote changes. 400 without a WebSocket upgrade, 503 with Retry-After at the connection cap.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);
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
            context.Response.Headers.RetryAfter = "5";
            return Problems.TooManyConnections($"The server holds its maximum of {options.Value.MaxConnections} WebSocket connections; retry later.");
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
}
