using NexusTrade.MarketFeed;
using NexusTrade.MarketFeed.Faults;
using NexusTrade.MarketFeed.Notifications;
using NexusTrade.MarketFeed.Quotes;

// A stand-in for the third-party vendors NexusTrade talks to:
// - a market-data vendor (Finnhub's quote wire format, a random walk per symbol) with fault controls, so that
//   outages, errors and latency can be injected on purpose;
// - for the local Alertmanager, an inbox that accepts what Slack, PagerDuty and a mail server would receive.
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

// Notification vendors (Slack, PagerDuty, SMTP, webhooks) for the local Alertmanager: see Notifications/.
builder.Services.AddSingleton<NotificationInbox>();
builder.Services.Configure<SmtpInboxOptions>(builder.Configuration.GetSection("Inbox"));
builder.Services.AddHostedService<SmtpInboxServer>();

var app = builder.Build();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapFinnhubQuoteEndpoint();
app.MapFaultControlEndpoints();
app.MapNotificationInbox();
app.Run();
