using Microsoft.AspNetCore.Http.Features;
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

    /// <summary>
    /// Before <c>UseWebSockets</c>: quote stream upgrades get a <see cref="FrameBatchingStream"/> under their WebSocket, so that
    /// the session writes what it has queued in one send.
    /// </summary>
    public static IApplicationBuilder UseQuoteStreamTransport(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path == QuoteStreamEndpoint.Path && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            context.Features.Set<IHttpUpgradeFeature>(new FrameBatchingUpgradeFeature(upgrade));
        }
        return next(context);
    });
}
