using NexusTrade.Api.Caching;
using NexusTrade.Api.Protection;
using NexusTrade.Api.Providers;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Streaming;
using NexusTrade.Api.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(NexusTradeMetrics.MeterName, "Polly");
builder.Services.AddProblemDetails();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<NexusTradeMetrics>();
builder.Services.AddHostedService<SchedulingLagProbe>();

// Quotes: cache-aside in Redis over an ordered chain of providers.
builder.AddQuoteCache();
builder.AddMarketDataProviders();
builder.Services.AddOptions<QuoteOptions>().BindConfiguration(QuoteOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<QuoteService>();

// Streaming: WebSocket clients and the broadcaster that feeds them.
builder.Services.AddOptions<QuoteStreamOptions>().BindConfiguration(QuoteStreamOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<SubscriptionHub>();
builder.Services.AddSingleton<QuoteBroadcaster>();
builder.Services.AddHostedService(services => services.GetRequiredService<QuoteBroadcaster>());

// Protection: per-client rate limits and request size limits.
builder.AddClientRateLimiting();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = 16 * 1024;
    kestrel.Limits.MaxRequestLineSize = 8 * 1024;
    kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
});

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseWebSockets();

app.MapDefaultEndpoints();
app.MapQuoteEndpoints();
app.MapQuoteStream();

app.Run();

public partial class Program;
