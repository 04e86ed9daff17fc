using NexusTrade.Api.Configuration;

namespace NexusTrade.Api.Streaming;

public static class QuoteStreamingExtensions
{
    /// <summary>WebSocket quote streaming: its options, the subscription hub and the broadcaster that feeds every subscriber.</summary>
    public static IHostApplicationBuilder AddQuoteStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<QuoteStreamOptions>(QuoteStreamOptions.SectionName);
        builder.Services.AddSingleton<SubscriptionHub>();
        builder.Services.AddSingleton<QuoteBroadcaster>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QuoteBroadcaster>());
        return builder;
    }
}
