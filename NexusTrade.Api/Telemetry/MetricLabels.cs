namespace NexusTrade.Api.Telemetry;

// Fixed label sets: each enum is the complete list of values a label can take.

public enum CacheResult { Hit, Miss, Error }

/// <summary>L1 = the API's own memory, L2 = Redis, shared by every API instance.</summary>
public enum CacheLayer { L1, L2 }

public enum ProviderOutcome { Success, Error, Timeout, CircuitOpen }

public enum CircuitState { Closed, Open, HalfOpen }

public enum QuoteSource { Cache, Provider, Stale }

/// <summary>How a quote reached the client: a REST response or a WebSocket push.</summary>
public enum DeliveryChannel { Rest, Websocket }

public enum MessageDirection { Received, Sent }

/// <summary>The <c>message_type</c> of a WebSocket message (not <see cref="System.Net.WebSockets.WebSocketMessageType"/>, the frame type).</summary>
public enum StreamMessageKind { Subscribe, Unsubscribe, Ping, Pong, Quote, Ack, Error, Invalid }

public enum DropReason { Coalesced, QueueFull }

public enum DisconnectReason { Normal, SlowConsumer, PolicyViolation, MessageTooBig, UnsupportedData, ServerShutdown, Error }

public static class MetricLabels
{
    /// <summary>PascalCase enum name to the snake_case label value (<c>HalfOpen</c> to <c>half_open</c>).</summary>
    public static string ToLabel<T>(this T value) where T : struct, Enum => LabelCache<T>.Labels[value];

    private static class LabelCache<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Labels = Enum.GetValues<T>().ToDictionary(v => v, v => Snake(v.ToString()));

        private static string Snake(string name) =>
            string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }
}
