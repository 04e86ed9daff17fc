using System.Net.WebSockets;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// A decision to end a connection: the close frame's status and reason, and the reason counted in the metrics.
/// Every way a session can end is listed here, so that the codes and texts clients see are defined once.
/// </summary>
/// <param name="FlushReplies">A client that closes normally still gets the replies to what it sent before.</param>
public sealed record StreamClose(WebSocketCloseStatus Status, string Reason, DisconnectReason Metric, bool FlushReplies = false)
{
    /// <summary>1013 (RFC 6455 registry): the server is at capacity, try again later.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public static readonly StreamClose ClientClosed = new(WebSocketCloseStatus.NormalClosure, "bye", DisconnectReason.Normal, FlushReplies: true);

    public static readonly StreamClose ServerShutdown = new(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", DisconnectReason.ServerShutdown);

    public static readonly StreamClose Binary = new(WebSocketCloseStatus.InvalidMessageType, "binary messages are not supported: send JSON text",
        DisconnectReason.UnsupportedData);

    public static readonly StreamClose Malformed = new(WebSocketCloseStatus.PolicyViolation,
        """malformed message: send JSON {"action":"subscribe","symbols":[...]}""", DisconnectReason.PolicyViolation);

    public static readonly StreamClose UnknownAction = new(WebSocketCloseStatus.PolicyViolation, "unknown action: use subscribe, unsubscribe or ping",
        DisconnectReason.PolicyViolation);

    public static readonly StreamClose InvalidSymbols = new(WebSocketCloseStatus.PolicyViolation,
        "symbols must be a non-empty array of valid symbols (e.g. AAPL, BRK.B)", DisconnectReason.PolicyViolation);

    public static readonly StreamClose AtSymbolCapacity = new(TryAgainLater, "server is streaming its maximum number of symbols: try again later",
        DisconnectReason.PolicyViolation);

    /// <summary>The connection cap (<c>QuoteStream:MaxConnections</c>) is reached: sent right after the upgrade.</summary>
    public static readonly StreamClose AtConnectionCapacity = new(TryAgainLater, "server at capacity: retry in 5 s", DisconnectReason.PolicyViolation);

    /// <summary>Replies piled up unread (the reply queue is full, or stayed full for a whole send timeout).</summary>
    public static readonly StreamClose RepliesNotRead = SlowConsumer("slow consumer: replies are not being read");

    /// <summary>A send did not complete within the send timeout.</summary>
    public static readonly StreamClose SendStalled = SlowConsumer("slow consumer");

    public static StreamClose MessageTooBig(int maxBytes) =>
        new(WebSocketCloseStatus.MessageTooBig, $"message exceeds {maxBytes} bytes", DisconnectReason.MessageTooBig);

    public static StreamClose SubscriptionLimit(int max) =>
        new(WebSocketCloseStatus.PolicyViolation, $"subscription limit is {max} symbols per connection", DisconnectReason.PolicyViolation);

    private static StreamClose SlowConsumer(string reason) => new(WebSocketCloseStatus.PolicyViolation, reason, DisconnectReason.SlowConsumer);
}
