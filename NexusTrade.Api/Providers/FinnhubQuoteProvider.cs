using System.Net.Http.Json;
using System.Text.Json.Serialization;
using NexusTrade.Api.Quotes;

namespace NexusTrade.Api.Providers;

/// <summary>A market-data provider speaking Finnhub's <c>GET /api/v1/quote?symbol=</c> wire format.</summary>
public sealed class FinnhubQuoteProvider(string name, HttpClient http, string apiKey, TimeProvider time)
{
    public string Name => name;

    /// <summary>The quote, or null when the vendor does not know the symbol (Finnhub answers all zeros).</summary>
    /// <exception cref="ProviderResponseException">The vendor answered, but not with a usable quote.</exception>
    public async Task<VendorQuote?> GetQuoteAsync(string symbol, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/quote?symbol=" + Uri.EscapeDataString(symbol));
        request.Headers.Add("X-Finnhub-Token", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ProviderResponseException($"{name} answered HTTP {(int)response.StatusCode}.");
        }

        var body = await response.Content.ReadFromJsonAsync<FinnhubQuoteBody>(cancellationToken)
            ?? throw new ProviderResponseException($"{name} answered an empty body.");
        if (body.T == 0 && body.C == 0)
        {
            return null;
        }

        return new VendorQuote(symbol, body.C, body.D ?? 0, body.Dp ?? 0, body.O, body.H, body.L, body.Pc,
            DateTimeOffset.FromUnixTimeSeconds(body.T), name, time.GetUtcNow());
    }

    private sealed record FinnhubQuoteBody(
        [property: JsonPropertyName("c")] decimal C,
        [property: JsonPropertyName("d")] decimal? D,
        [property: JsonPropertyName("dp")] decimal? Dp,
        [property: JsonPropertyName("h")] decimal H,
        [property: JsonPropertyName("l")] decimal L,
        [property: JsonPropertyName("o")] decimal O,
        [property: JsonPropertyName("pc")] decimal Pc,
        [property: JsonPropertyName("t")] long T);
}

public sealed class ProviderResponseException(string message) : Exception(message);
