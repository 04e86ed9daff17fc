using System.ComponentModel;
using System.Text.Json.Serialization;

namespace NexusTrade.Api.Quotes;

/// <summary>A quote as the vendor reported it, plus where it came from. Immutable: the memory cache shares one instance.</summary>
[ImmutableObject(true)]
public sealed record VendorQuote(
    string Symbol, decimal Price, decimal Change, decimal ChangePercent, decimal Open, decimal High, decimal Low,
    decimal PreviousClose, DateTimeOffset VendorTimestamp, string Provider, DateTimeOffset FetchedAt);

/// <summary>A quote as NexusTrade serves it over REST and WebSocket.</summary>
public sealed record Quote(
    string Symbol, decimal Price, decimal Change, decimal ChangePercent, decimal Open, decimal High, decimal Low,
    decimal PreviousClose, DateTimeOffset VendorTimestamp, string Provider, bool FromCache, double AgeSeconds, bool Stale)
{
    /// <summary>When NexusTrade fetched it from the vendor: the freshness metrics measure age at delivery from here.</summary>
    [JsonIgnore]
    public DateTimeOffset FetchedAt { get; init; }

    public static Quote From(VendorQuote q, bool fromCache, bool stale, DateTimeOffset now) =>
        new(q.Symbol, q.Price, q.Change, q.ChangePercent, q.Open, q.High, q.Low, q.PreviousClose, q.VendorTimestamp, q.Provider,
            fromCache, Math.Max(0, Math.Round((now - q.FetchedAt).TotalSeconds, 3)), stale) { FetchedAt = q.FetchedAt };
}
