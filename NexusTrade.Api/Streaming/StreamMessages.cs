using System.Text.Json;
using System.Text.Json.Serialization;
using NexusTrade.Api.Quotes;

namespace NexusTrade.Api.Streaming;

/// <summary>What a client sends: <c>{"action":"subscribe","symbols":["AAPL"]}</c>, <c>unsubscribe</c> or <c>ping</c>.</summary>
public sealed record ClientMessage(string? Action, string[]? Symbols);

/// <summary>The server's messages, serialised once and shared by every subscriber.</summary>
public static class ServerMessages
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] QuoteUpdate(Quote quote, DateTimeOffset publishedAt) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "quote", publishedAt, data = quote }, Json);

    public static byte[] Ack(string action, IReadOnlyCollection<string> symbols, int subscriptions) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "ack", action, symbols, subscriptions }, Json);

    public static byte[] Pong() => JsonSerializer.SerializeToUtf8Bytes(new { type = "pong" }, Json);

    public static byte[] Error(string symbol, string reason) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "error", symbol, reason }, Json);
}
