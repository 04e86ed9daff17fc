using System.Text.Json;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Telemetry;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// What one client command leads to: the reply to queue (if any), the close that ends the connection (if any), and
/// the symbols it subscribed (new ones, which get a snapshot) or unsubscribed (whose pending updates are dropped).
/// </summary>
public sealed record CommandOutcome(byte[]? Reply, StreamMessageKind ReplyKind, StreamClose? Close,
    IReadOnlyList<string> Subscribed, IReadOnlyList<string> Unsubscribed)
{
    public static CommandOutcome Closing(StreamClose close) => new(null, StreamMessageKind.Error, close, [], []);

    public static CommandOutcome Replying(byte[] reply, StreamMessageKind kind) => new(reply, kind, null, [], []);
}

/// <summary>
/// The client's commands (<c>subscribe</c>, <c>unsubscribe</c>, <c>ping</c>) for one connection: parses them,
/// validates symbols and limits, keeps the connection's subscriptions in the hub, and says what follows.
/// </summary>
public sealed class QuoteStreamCommands(QuoteStreamOutbox subscriber, SubscriptionHub hub, NexusTradeMetrics metrics, int maxSubscriptions)
{
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);

    public int Subscriptions => _subscriptions.Count;

    public CommandOutcome Handle(ReadOnlySpan<byte> json)
    {
        ClientMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ClientMessage>(json, ServerMessages.Json);
        }
        catch (JsonException)
        {
            message = null;
        }

        switch (message?.Action)
        {
            case "subscribe":
                metrics.WebSocketMessage(MessageDirection.Received, StreamMessageKind.Subscribe);
                return Subscribe(message.Symbols);
            case "unsubscribe":
                metrics.WebSocketMessage(MessageDirection.Received, StreamMessageKind.Unsubscribe);
                return Unsubscribe(message.Symbols);
            case "ping":
                metrics.WebSocketMessage(MessageDirection.Received, StreamMessageKind.Ping);
                return CommandOutcome.Replying(ServerMessages.Pong(), StreamMessageKind.Pong);
            case null when message is null:
                metrics.WebSocketMessage(MessageDirection.Received, StreamMessageKind.Invalid);
                return CommandOutcome.Closing(StreamClose.Malformed);
            default:
                metrics.WebSocketMessage(MessageDirection.Received, StreamMessageKind.Invalid);
                return CommandOutcome.Closing(StreamClose.UnknownAction);
        }
    }

    /// <summary>Leaves every subscription of the connection (when it ends).</summary>
    public void UnsubscribeAll()
    {
        foreach (var symbol in _subscriptions) hub.Unsubscribe(subscriber, symbol);
        metrics.WebSocketSubscriptionsChanged(-_subscriptions.Count);
        _subscriptions.Clear();
    }

    private CommandOutcome Subscribe(string[]? requested)
    {
        if (requested?.Length > maxSubscriptions) return CommandOutcome.Closing(StreamClose.SubscriptionLimit(maxSubscriptions));
        if (ValidateSymbols(requested) is not { } symbols) return CommandOutcome.Closing(StreamClose.InvalidSymbols);

        var added = symbols.Where(s => !_subscriptions.Contains(s)).ToList();
        if (_subscriptions.Count + added.Count > maxSubscriptions) return CommandOutcome.Closing(StreamClose.SubscriptionLimit(maxSubscriptions));
        foreach (var symbol in added)
        {
            if (!hub.Subscribe(subscriber, symbol)) return CommandOutcome.Closing(StreamClose.AtSymbolCapacity);
            _subscriptions.Add(symbol);
            metrics.WebSocketSubscriptionsChanged(1);
        }
        return new CommandOutcome(ServerMessages.Ack("subscribe", symbols, _subscriptions.Count), StreamMessageKind.Ack, null, added, []);
    }

    private CommandOutcome Unsubscribe(string[]? requested)
    {
        if (ValidateSymbols(requested) is not { } symbols) return CommandOutcome.Closing(StreamClose.InvalidSymbols);

        var removed = symbols.Where(_subscriptions.Remove).ToList();
        foreach (var symbol in removed)
        {
            hub.Unsubscribe(subscriber, symbol);
            metrics.WebSocketSubscriptionsChanged(-1);
        }
        return new CommandOutcome(ServerMessages.Ack("unsubscribe", symbols, _subscriptions.Count), StreamMessageKind.Ack, null, [], removed);
    }

    private List<string>? ValidateSymbols(string[]? requested)
    {
        // More symbols than a connection may hold is refused before any of them is looked at.
        if (requested is null || requested.Length == 0 || requested.Length > maxSubscriptions) return null;
        var symbols = new List<string>(requested.Length);
        foreach (var raw in requested)
        {
            if (!SymbolRules.TryNormalize(raw, out var symbol)) return null;
            if (!symbols.Contains(symbol)) symbols.Add(symbol);
        }
        return symbols;
    }
}
