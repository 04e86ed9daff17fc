using NexusTrade.Api.Caching;
using NexusTrade.Api.Http;
using NexusTrade.Api.Protection;
using NexusTrade.Api.Providers;
using NexusTrade.Api.Quotes;
using NexusTrade.Api.Streaming;
using NexusTrade.Api.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(NexusTradeMetrics.MeterName, "Polly");
builder.Services.AddSingleton(TimeProvider.System);
builder.AddApiMetrics();
builder.AddProblemResponses();

// Quotes: cache-aside in Redis over an ordered chain of providers, over REST and a WebSocket.
builder.AddQuoteCache();
builder.AddMarketDataProviders();
builder.AddQuotes();
builder.AddQuoteStreaming();

// Protection: per-client rate limits and request size limits.
builder.AddRateLimiting();
builder.AddRequestLimits();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseClientIdentity();
app.UseRateLimiter();
app.UseQuoteStreamTransport();
app.UseWebSockets();

app.MapDefaultEndpoints();
app.MapQuoteEndpoints();
app.MapQuoteStream();

app.Run();

public partial class Program;
