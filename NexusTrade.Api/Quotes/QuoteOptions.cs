using System.ComponentModel.DataAnnotations;

namespace NexusTrade.Api.Quotes;

public sealed class QuoteOptions
{
    public const string SectionName = "Quotes";

    /// <summary>How long a cached quote counts as fresh.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Quotes:CacheTtl must be between 100 ms and 10 minutes.")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the last value is kept to be served, marked stale, when every provider fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Quotes:StaleRetention must be between 1 second and 7 days.")]
    public TimeSpan StaleRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most symbols one <c>GET /api/quotes?symbols=</c> may ask for.</summary>
    [Range(1, 100, ErrorMessage = "Quotes:MaxSymbolsPerRequest must be between 1 and 100.")]
    public int MaxSymbolsPerRequest { get; set; } = 25;
}
