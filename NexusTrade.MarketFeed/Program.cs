using NexusTrade.MarketFeed;
using NexusTrade.MarketFeed.Faults;
using NexusTrade.MarketFeed.Quotes;

// A stand-in for the market-data vendor NexusTrade talks to: Finnhub's quote wire format (a random walk per symbol)
// with fault controls, so that outages, errors and latency can be injected on purpose. The notification vendors of
// the local Alertmanager are stood in for by NexusTrade.AlertInbox.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddOptions<MarketFeedOptions>()
    .BindConfiguration(MarketFeedOptions.SectionName)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<PriceBook>();
builder.Services.AddSingleton<FaultInjector>();
builder.Services.AddSingleton<QuoteRequestCounter>();

var app = builder.Build();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapFinnhubQuoteEndpoint();
app.MapFaultControlEndpoints();
app.MapQuoteStatsEndpoint();
app.Run();
