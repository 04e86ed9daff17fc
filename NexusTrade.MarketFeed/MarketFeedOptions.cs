using System.ComponentModel.DataAnnotations;

namespace NexusTrade.MarketFeed;

public sealed class MarketFeedOptions
{
    public const string SectionName = "MarketFeed";

    /// <summary>The API key clients must send as <c>token</c> (query) or <c>X-Finnhub-Token</c> (header), as Finnhub does.</summary>
    [Required(ErrorMessage = "MarketFeed:ApiKey is required: the simulator authenticates clients like the real vendor.")]
    [MinLength(8, ErrorMessage = "MarketFeed:ApiKey must be at least 8 characters.")]
    public string ApiKey { get; set; } = "";

    /// <summary>Annualised volatility of the random walk; 0.4 moves a price by about 2.5 % a day.</summary>
    [Range(0.0, 5.0, ErrorMessage = "MarketFeed:Volatility must be between 0 and 5.")]
    public double Volatility { get; set; } = 0.4;
}
