using System.Text.Json.Serialization;

namespace NexusTrade.MarketFeed.Quotes;

/// <summary>Finnhub's <c>/api/v1/quote</c> response, field for field.</summary>
public sealed record FinnhubQuote(
    [property: JsonPropertyName("c")] decimal Current,
    [property: JsonPropertyName("d")] decimal? Change,
    [property: JsonPropertyName("dp")] decimal? PercentChange,
    [property: JsonPropertyName("h")] decimal High,
    [property: JsonPropertyName("l")] decimal Low,
    [property: JsonPropertyName("o")] decimal Open,
    [property: JsonPropertyName("pc")] decimal PreviousClose,
    [property: JsonPropertyName("t")] long Timestamp);
