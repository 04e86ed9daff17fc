using NexusTrade.Api.Configuration;

namespace NexusTrade.Api.Quotes;

public static class QuotesExtensions
{
    /// <summary>The quote service (cache-aside over the provider chain) and its options; needs <c>AddQuoteCache</c> and <c>AddMarketDataProviders</c>.</summary>
    public static IHostApplicationBuilder AddQuotes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<QuoteOptions>(QuoteOptions.SectionName);
        builder.Services.AddSingleton<QuoteService>();
        return builder;
    }
}
